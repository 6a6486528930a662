import { defineRule } from '../rule.js';

export default defineRule({
  name: 'dynamic-code',
  docs: {
    rationale:
      'loadstring and load run code that is only known at run time: none of the checks (keys, commands, sandbox) see it, and code built from ARGV is an injection risk.',
    wrong: "---@arg expr string\nreturn loadstring('return ' .. ARGV[1])()",
    right: "---@arg a integer\n---@arg b integer\nreturn tonumber(ARGV[1]) + tonumber(ARGV[2])",
  },
  messages: {
    code: "'{name}' runs code the checker cannot see",
  },
  check(ctx) {
    for (const g of ctx.scopes.globals) {
      if (g.write || (g.node.name !== 'loadstring' && g.node.name !== 'load')) continue;
      ctx.report({ node: g.node, messageId: 'code', data: { name: g.node.name }, hint: 'write the code in the script itself' });
    }
  },
});
