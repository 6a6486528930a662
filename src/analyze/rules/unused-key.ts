import { defineRule } from '../rule.js';
import { contractTables } from '../contract-usage.js';

export default defineRule({
  name: 'unused-key',
  docs: {
    rationale:
      'A declared key or arg that the script never reads still has to be passed by every caller. It is usually a leftover or a sign that the script reads the wrong index.',
    wrong: "---@key used\n---@key forgotten\nreturn redis.call('GET', KEYS[1])",
    right: "---@key used\nreturn redis.call('GET', KEYS[1])",
  },
  messages: {
    single: "{what} '{name}' ({table}[{position}]) is declared but never read",
    list: "{what} list '...{name}' ({table}[{position}] onwards) is declared but never read",
  },
  check(ctx) {
    for (const { table, specs, usage, what, tag } of contractTables(ctx.contract, ctx.usage)) {
      specs.forEach((spec, i) => {
        const position = i + 1;
        const read = usage.dynamic || usage.literal.some((u) => (spec.variadic ? u.index >= position : u.index === position));
        if (read || (spec.start === 0 && spec.end === 0)) return;
        ctx.report({
          start: spec.start,
          end: spec.end,
          messageId: spec.variadic ? 'list' : 'single',
          data: { what, name: spec.name, table, position },
          hint: `read it with ${table}[${position}], or remove the ${tag} line (callers then stop sending it)`,
        });
      });
    }
  },
});
