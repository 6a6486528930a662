import type * as L from 'luaparse';
import { defineRule } from '../rule.js';
import type { ReturnType } from '../../annotations/contract.js';
import { formatReturnType } from '../../annotations/contract.js';
import type { Value } from '../values/index.js';
import { fieldName } from '../returns.js';

/** What a returned Lua value turns into for the caller (RESP2 through ioredis). */
type Shape = 'integer' | 'string' | 'null' | 'one' | 'array' | 'status' | 'error' | 'unknown';

function shapeOf(v: Value): Shape {
  switch (v.kind) {
    case 'number':
      return 'integer';
    case 'literal':
    case 'string':
    case 'argv':
    case 'key':
    case 'derived':
      return 'string';
    case 'nil':
      return 'null';
    case 'boolean':
      return v.value === true ? 'one' : v.value === false ? 'null' : 'unknown';
    case 'status':
      return 'status';
    case 'error':
      return 'error';
    case 'table': {
      const t = v.table.origin;
      if (typeof t === 'string') return 'array'; // KEYS, ARGV, a vararg function's arg
      const names = t.fields.map(fieldName);
      if (names.length === 1 && names[0] === 'ok') return 'status';
      if (names.includes('err')) return 'error';
      return 'array';
    }
    default:
      return 'unknown';
  }
}

function accepts(type: ReturnType, shape: Shape): boolean {
  if (shape === 'unknown' || shape === 'error') return true;
  switch (type.kind) {
    case 'any':
      return true;
    case 'optional':
      return shape === 'null' || accepts(type.of, shape);
    case 'integer':
      return shape === 'integer' || shape === 'one';
    case 'string':
    case 'status':
      return shape === 'string' || shape === 'status';
    case 'boolean':
      return shape === 'one' || shape === 'null';
    case 'nil':
      return shape === 'null';
    case 'json':
      return shape === 'string' || shape === 'null';
    case 'array':
    case 'tuple':
    case 'hash':
      return shape === 'array';
  }
}

const SHAPE_TEXT: Record<Shape, string> = {
  integer: 'a number (an integer reply)',
  string: 'a string',
  null: 'nil or false (a null reply)',
  one: 'true (the integer 1)',
  array: 'a table (an array reply)',
  status: 'a status reply',
  error: 'an error',
  unknown: 'a value',
};

export default defineRule({
  name: 'return-mismatch',
  docs: {
    rationale:
      'The wrapper decodes the reply as the ---@return type and throws when it does not match. A return value that can never be that type (a string where integer is declared, a table where string is) is a bug in the script or in its contract.',
    wrong: "---@key k\n---@return integer\nreturn redis.call('GET', KEYS[1]) or 'none'",
    right: "---@key k\n---@return string?\nreturn redis.call('GET', KEYS[1]) or nil",
  },
  messages: {
    mismatch: 'returns {shape} where the contract says {type}',
    tuple: 'returns {count} element{plural} where the contract says the tuple {type}',
  },
  check(ctx) {
    if (!ctx.contract.declared) return;
    const declared = ctx.contract.returns.type;
    for (const r of ctx.facts.returns) {
      const node: L.Expression | L.ReturnStatement = r.node.arguments[0] ?? r.node;
      const values = r.values[0]?.values() ?? [{ kind: 'nil', at: r.node } as Value];
      const bad = values.find((v) => !accepts(declared, shapeOf(v)));
      if (bad) {
        ctx.report({
          node,
          messageId: 'mismatch',
          data: { shape: SHAPE_TEXT[shapeOf(bad)], type: formatReturnType(declared) },
          hint: `return ${formatReturnType(declared)}, or change the ---@return line`,
        });
        continue;
      }
      const inner = declared.kind === 'optional' ? declared.of : declared;
      if (inner.kind === 'tuple' && node.type === 'TableConstructorExpression') {
        const list = node.fields.filter((f) => f.type === 'TableValue');
        const multi = list.length && ['CallExpression', 'VarargLiteral'].includes((list[list.length - 1] as L.TableValue).value.type);
        if (node.fields.length === list.length && !multi && list.length !== inner.items.length) {
          ctx.report({
            node,
            messageId: 'tuple',
            data: { count: list.length, plural: list.length === 1 ? '' : 's', type: formatReturnType(inner) },
            hint: 'return exactly one element per tuple position',
          });
        }
      }
    }
  },
});
