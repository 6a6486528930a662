import { defineRule } from '../rule.js';
import { constructorsOf } from '../returns.js';

export default defineRule({
  name: 'nil-in-array',
  docs: {
    rationale:
      'Redis converts a returned Lua array up to its first nil: {1, nil, 3} becomes [1]. A value that may be nil in the middle silently cuts the reply. Return false instead of nil (it becomes a null element).',
    wrong: "---@key k\n---@arg f string\nreturn { tonumber(redis.call('HGET', KEYS[1], ARGV[1])), 1 }",
    right: "---@key k\n---@arg f string\nreturn { tonumber(redis.call('HGET', KEYS[1], ARGV[1])) or false, 1 }",
  },
  messages: {
    nil: 'this element may be nil: Redis ends the returned array before it ({origin})',
  },
  check(ctx) {
    for (const r of ctx.facts.returns) {
      const values = r.values[0];
      if (!values) continue;
      for (const t of constructorsOf(values)) {
        const list = t.fields.filter((f) => f.type === 'TableValue');
        list.forEach((f, i) => {
          const nil = ctx.facts.valuesOf(f.value).values().find((v) => v.kind === 'nil');
          // A nil at the very end only shortens the array by that element.
          if (!nil || i === list.length - 1) return;
          ctx.report({
            node: f.value,
            messageId: 'nil',
            data: { origin: ctx.describe(nil) },
            hint: 'use `x or false` (a null element in the reply) instead of a value that may be nil',
          });
        });
      }
    }
  },
});
