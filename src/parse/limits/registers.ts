// Registers: Lua 5.1 gives a function at most 249 stack slots (MAXSTACK 250) for its active
// locals and the temporaries of the statement being run; past that: "function or expression
// too complex". Measured on Redis 7.0.15: `return 1, 1, ...` with 249 values compiles, 250
// does not; a call with a local function and 247 arguments compiles, 248 does not.
//
// The count follows lcode.c where it is exact (lists: arguments, returned values, locals
// assigned, table items pending a flush every 50) and stays low where code generation may
// reuse a slot (a local or a constant as an operand takes none), so it never refuses what
// Lua accepts. Runs after levels.ts: expressions nest at most 200 deep.

import type * as L from 'luaparse';
import type { Chunk, Node } from '../parse-lua.js';
import { walkFrames } from './frames.js';
import type { LimitHit } from './locals.js';

export const MAX_REGISTERS = 249;
/** Table items are stored in batches of this many (LFIELDS_PER_FLUSH). */
const FLUSH = 50;

/** Slots a list of expressions needs when each goes to the next slot. */
function list(es: readonly L.Expression[], first = 0): number {
  let need = first;
  es.forEach((e, i) => (need = Math.max(need, first + i + need1(e))));
  return need;
}

/** Slots an operand needs: none for a local, a global name or a constant Lua can address directly. */
function operand(e: L.Expression): number {
  return e.type === 'Identifier' || e.type === 'NumericLiteral' || e.type === 'StringLiteral' || e.type === 'BooleanLiteral' || e.type === 'NilLiteral' ? 0 : need1(e);
}

/** Slots needed to compute `e` into a fresh slot (at least that one). */
function need1(e: L.Expression): number {
  switch (e.type) {
    case 'CallExpression':
    case 'StringCallExpression':
    case 'TableCallExpression': {
      const self = e.base.type === 'MemberExpression' && e.base.indexer === ':' ? 1 : 0;
      const base = Math.max(need1(e.base.type === 'MemberExpression' && self ? e.base.base : e.base), 1 + self);
      const args = e.type === 'CallExpression' ? e.arguments : e.type === 'TableCallExpression' ? [e.arguments] : [];
      return Math.max(base, list(args, 1 + self));
    }
    case 'BinaryExpression':
    case 'LogicalExpression':
      return Math.max(1, operand(e.left), 1 + operand(e.right));
    case 'UnaryExpression':
      return Math.max(1, operand(e.argument));
    case 'MemberExpression':
      return Math.max(1, operand(e.base));
    case 'IndexExpression':
      return Math.max(1, operand(e.base), 1 + operand(e.index));
    case 'TableConstructorExpression':
      return table(e);
    default:
      return 1;
  }
}

function table(e: L.TableConstructorExpression): number {
  let need = 1;
  let pending = 0;
  for (const f of e.fields) {
    if (f.type === 'TableValue') {
      need = Math.max(need, 1 + pending + need1(f.value));
      pending = (pending + 1) % FLUSH;
    } else {
      const key = f.type === 'TableKey' ? operand(f.key) : 0;
      need = Math.max(need, 1 + pending + Math.max(key, 1 + operand(f.value)) - 1);
    }
  }
  return need;
}

/** Slots a statement needs beyond the locals active before it. */
function statementNeed(s: L.Statement): number {
  switch (s.type) {
    case 'LocalStatement':
      return Math.max(s.variables.length, list(s.init));
    case 'AssignmentStatement':
      return list(s.init);
    case 'ReturnStatement':
      return list(s.arguments);
    case 'CallStatement':
      return need1(s.expression as L.Expression);
    case 'IfStatement':
      return Math.max(0, ...s.clauses.map((c) => (c.type === 'ElseClause' ? 0 : need1(c.condition))));
    case 'WhileStatement':
    case 'RepeatStatement':
      return need1(s.condition);
    case 'ForNumericStatement':
      return list([s.start, s.end, ...(s.step ? [s.step] : [])]);
    case 'ForGenericStatement':
      return Math.max(3, list(s.iterators));
    default:
      return 0;
  }
}

export function tooManyRegisters(chunk: Chunk): LimitHit | undefined {
  let first: LimitHit | undefined;
  walkFrames(chunk, {
    statement(_frame, s, active) {
      if (first || active + statementNeed(s) <= MAX_REGISTERS) return;
      first = { node: s as Node, message: 'function or expression too complex' };
    },
  });
  return first;
}
