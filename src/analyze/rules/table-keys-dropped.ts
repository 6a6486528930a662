import { defineRule } from '../rule.js';
import { constructorsOf, fieldName, isSpecialReply } from '../returns.js';

export default defineRule({
  name: 'table-keys-dropped',
  docs: {
    rationale:
      'Redis converts only the array part of a returned table: {a = 1} becomes an empty array and {1, 2, a = 1} becomes [1, 2]. Return a flat field/value array (declared as hash) or cjson.encode the table (declared as json).',
    wrong: "---@key k\nreturn { name = redis.call('HGET', KEYS[1], 'name') }",
    right: "---@key k\n---@return hash\nreturn { 'name', redis.call('HGET', KEYS[1], 'name') }",
  },
  messages: {
    dropped: "the field '{name}' is dropped from the reply: Redis keeps only the array part of a table",
  },
  check(ctx) {
    for (const r of ctx.facts.returns) {
      const values = r.values[0];
      if (!values) continue;
      for (const t of constructorsOf(values)) {
        if (isSpecialReply(t)) continue;
        for (const f of t.fields) {
          if (f.type === 'TableValue') continue;
          const name = fieldName(f) ?? (f.type === 'TableKey' && f.key.type === 'NumericLiteral' ? undefined : '[computed]');
          if (name === undefined) continue;
          ctx.report({
            node: f,
            messageId: 'dropped',
            data: { name },
            hint: "return a flat array ({'field', value, ...}) and declare ---@return hash, or return cjson.encode(t) and declare ---@return json",
          });
        }
      }
    }
  },
});
