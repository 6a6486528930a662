import type * as L from 'luaparse';
import { defineRule } from '../rule.js';
import { isStringish, type Value } from '../values/index.js';

const SAFE: ReadonlySet<Value['kind']> = new Set(['literal', 'number', 'string', 'argv', 'key', 'derived', 'error', 'nil', 'boolean']);

/** A table constructor with a string (or number) `err` field: Redis turns it into an error reply. */
function isErrTable(node: L.Expression, valuesOf: (e: L.Expression) => Value[]): boolean {
  if (node.type !== 'TableConstructorExpression') return false;
  const err = node.fields.find(
    (f) => (f.type === 'TableKeyString' && f.key.name === 'err') || (f.type === 'TableKey' && f.key.type === 'StringLiteral' && f.key.value === 'err'),
  );
  return !!err && valuesOf(err.value).every((v) => isStringish(v) || v.kind === 'number');
}

export default defineRule({
  name: 'unsafe-error-value',
  docs: {
    rationale:
      'In Redis 7.0, error(x) with a table that has no string err field (error({}), error(redis.status_reply(...)), a table returned by another call) crashes the whole server with SIGSEGV. Raise a string, a number, redis.error_reply(...) or {err = "CODE message"}.',
    wrong: "---@key k\nlocal reply = redis.pcall('INCR', KEYS[1])\nif type(reply) == 'table' then error(reply) end\nreturn reply",
    right: "---@key k\nlocal reply = redis.pcall('INCR', KEYS[1])\nif type(reply) == 'table' then return redis.error_reply(reply.err) end\nreturn reply",
  },
  messages: {
    unsafe: '{call}() is given {origin}: a table without a string err field crashes Redis 7.0',
  },
  check(ctx) {
    const valuesOf = (e: L.Expression) => ctx.facts.valuesOf(e).values();
    for (const c of ctx.facts.builtinCalls) {
      if (c.callee !== 'error' && c.callee !== 'assert') continue;
      const index = c.callee === 'error' ? 0 : 1;
      const node = c.argNodes[index];
      const values = c.args.fixed[index] ?? c.args.rest;
      if (!values) continue;
      if (node && (node.type === 'StringLiteral' || node.type === 'NumericLiteral' || (node.type === 'BinaryExpression' && node.operator === '..'))) continue;
      if (node && isErrTable(node, valuesOf)) continue;
      const bad = values.values().find((v) => !SAFE.has(v.kind));
      if (!bad) continue;
      ctx.report({
        node: node ?? c.node,
        messageId: 'unsafe',
        data: { call: c.callee, origin: ctx.describe(bad) },
        hint: "raise a string (error('CODE message')), redis.error_reply('CODE message') or {err = 'CODE message'}; to re-raise a redis.pcall error use error(reply.err) or return the reply",
      });
    }
  },
});
