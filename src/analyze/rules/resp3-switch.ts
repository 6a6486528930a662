import { defineRule } from '../rule.js';

export default defineRule({
  name: 'resp3-switch',
  docs: {
    rationale:
      'After redis.setresp(3), redis.call replies convert differently inside the script (maps become {map=...}, doubles {double=...}, null becomes nil instead of false) and a returned false reaches a RESP2 client as 0 instead of null.',
    wrong: "---@key h\nredis.setresp(3)\nreturn redis.call('HGETALL', KEYS[1])",
    right: "---@key h\n---@return hash\nreturn redis.call('HGETALL', KEYS[1])",
  },
  messages: {
    resp3: 'redis.setresp({version}) changes how replies convert inside the script and in its reply',
  },
  check(ctx) {
    for (const c of ctx.facts.builtinCalls) {
      if (c.callee !== 'redis.setresp') continue;
      const arg = c.argNodes[0];
      if (arg?.type === 'NumericLiteral' && arg.value === 2) continue;
      ctx.report({
        node: c.node,
        messageId: 'resp3',
        data: { version: arg?.type === 'NumericLiteral' ? arg.value : '?' },
        hint: 'stay on RESP2 (the default) unless the script reads RESP3 types on purpose; the generated wrapper expects RESP2 replies',
      });
    }
  },
});
