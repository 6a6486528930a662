import { defineRule } from '../rule.js';
import { constructorsOf } from '../returns.js';
import type { ValueSet } from '../values/index.js';

export default defineRule({
  name: 'float-return',
  docs: {
    rationale:
      'Redis converts a returned Lua number to an integer reply by truncating it: 3.99 becomes 3, -2.5 becomes -2, 0.5 becomes 0. Return tostring(x) (or {double = x} with RESP3) to keep the fraction.',
    wrong: "---@key z\n---@arg m string\nreturn tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))",
    right: "---@key z\n---@arg m string\nreturn redis.call('ZSCORE', KEYS[1], ARGV[1])",
  },
  messages: {
    float: 'this may be a non-integer number: Redis truncates it to an integer in the reply',
  },
  check(ctx) {
    const fractional = (values: ValueSet) => values.some((v) => v.kind === 'number' && v.fractional);
    for (const r of ctx.facts.returns) {
      const node = r.node.arguments[0];
      const values = r.values[0];
      if (!node || !values) continue;
      if (fractional(values)) {
        ctx.report({ node, messageId: 'float', hint: 'return tostring(x) and declare ---@return string, or math.floor(x) if an integer is meant' });
        continue;
      }
      for (const t of constructorsOf(values)) {
        for (const f of t.fields) {
          if (f.type === 'TableValue' && fractional(ctx.facts.valuesOf(f.value))) {
            ctx.report({ node: f.value, messageId: 'float', hint: 'put tostring(x) in the returned array, or math.floor(x) if an integer is meant' });
          }
        }
      }
    }
  },
});
