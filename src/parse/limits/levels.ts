// Syntax levels: Lua 5.1's parser counts the blocks and subexpressions open at once and
// refuses a chunk past 200 (LUAI_MAXCCALLS): "chunk has too many syntax levels". Measured on
// Redis 7.0.15: 198 nested parentheses, 199 terms of `..` or `^`, 198 unary operators, 99
// nested functions, 199 nested tables or whiles, 198 nested ifs, dos or calls.
//
// The count follows lparser.c: the main chunk is level 1; every block (chunk()) and every
// subexpression (subexpr(): each expression of a list, a condition, an index `[e]`, a table
// field, the operand of a unary operator, the right operand of a binary one) opens one more,
// and every pair of parentheses opens an expression. The left operand of a binary operator,
// and the base of a field, index or call, are read at the level of the expression they are
// in, so `a + b + c` and `t.x.y` stay flat however long they are. Iterative: a chain of any
// length is counted without recursion.

import type * as L from 'luaparse';
import type { Chunk, Node } from '../parse-lua.js';
import { rangeOf } from '../parse-lua.js';
import type { ParenFinder } from '../parens.js';

export const MAX_LEVELS = 200;

type Task =
  | { kind: 'block'; body: readonly L.Statement[]; level: number; owner: Node }
  | { kind: 'expr'; e: L.Expression; level: number; soleArgument: boolean };

/** The offset where the levels first pass 200 (in source order), or undefined. */
export function tooManyLevels(chunk: Chunk, parens: ParenFinder): number | undefined {
  let first: number | undefined;
  const exceeded = (at: number) => {
    if (first === undefined || at < first) first = at;
  };
  const tasks: Task[] = [{ kind: 'block', body: chunk.body, level: 1, owner: chunk as Node }];
  const block = (body: readonly L.Statement[], level: number, owner: Node) => tasks.push({ kind: 'block', body, level, owner });
  const expr = (e: L.Expression | null | undefined, level: number, soleArgument = false) => {
    if (e) tasks.push({ kind: 'expr', e, level, soleArgument });
  };
  for (let task = tasks.pop(); task; task = tasks.pop()) {
    if (task.kind === 'block') {
      if (task.level > MAX_LEVELS) exceeded(rangeOf(task.body[0] ?? task.owner)[0]);
      else for (const s of task.body) statement(s, task.level, block, expr);
      continue;
    }
    // Each pair of parentheses opens a level: Lua stops at the one that passes 200.
    const opening = parens(task.e as Node, task.soleArgument);
    const level = task.level + opening.length;
    if (level <= MAX_LEVELS) expression(task.e, level, block, expr);
    else if (task.level >= MAX_LEVELS) exceeded(rangeOf(task.e as Node)[0]);
    else exceeded(opening[opening.length - (MAX_LEVELS - task.level) - 1] as number);
  }
  return first;
}

type Push = {
  block: (body: readonly L.Statement[], level: number, owner: Node) => void;
  expr: (e: L.Expression | null | undefined, level: number, soleArgument?: boolean) => void;
};

/** The blocks and expressions of a statement in a block at `level`. */
function statement(s: L.Statement, level: number, block: Push['block'], expr: Push['expr']): void {
  const inner = level + 1;
  switch (s.type) {
    case 'LocalStatement':
    case 'AssignmentStatement':
      for (const v of s.variables) expr(v as L.Expression, level); // read like the base of a call: no new level
      for (const e of s.init) expr(e, inner);
      return;
    case 'CallStatement':
      return expr(s.expression, level);
    case 'ReturnStatement':
      for (const e of s.arguments) expr(e, inner);
      return;
    case 'IfStatement':
      for (const c of s.clauses) {
        if (c.type !== 'ElseClause') expr(c.condition, inner);
        block(c.body, inner, c as Node);
      }
      return;
    case 'WhileStatement':
    case 'RepeatStatement':
      expr(s.condition, inner);
      return block(s.body, inner, s as Node);
    case 'DoStatement':
      return block(s.body, inner, s as Node);
    case 'ForNumericStatement':
      for (const e of [s.start, s.end, s.step]) expr(e, inner);
      return block(s.body, inner, s as Node);
    case 'ForGenericStatement':
      for (const e of s.iterators) expr(e, inner);
      return block(s.body, inner, s as Node);
    case 'FunctionDeclaration':
      return block(s.body, inner, s as Node);
    default:
      return; // labels, goto, break
  }
}

/** The parts of an expression read at `level` (its own level, parentheses counted). */
function expression(e: L.Expression, level: number, block: Push['block'], expr: Push['expr']): void {
  switch (e.type) {
    case 'BinaryExpression':
    case 'LogicalExpression':
      expr(e.left, level);
      return expr(e.right, level + 1);
    case 'UnaryExpression':
      return expr(e.argument, level + 1);
    case 'MemberExpression':
      return expr(e.base, level);
    case 'IndexExpression':
      expr(e.base, level);
      return expr(e.index, level + 1);
    case 'CallExpression':
      expr(e.base, level);
      for (const a of e.arguments) expr(a, level + 1, e.arguments.length === 1);
      return;
    case 'TableCallExpression':
      expr(e.base, level);
      return expr(e.arguments, level);
    case 'StringCallExpression':
      return expr(e.base, level);
    case 'TableConstructorExpression':
      for (const f of e.fields) {
        if (f.type === 'TableKey') expr(f.key, level + 1);
        expr(f.value, level + 1);
      }
      return;
    case 'FunctionDeclaration':
      return block(e.body, level + 1, e as Node);
    default:
      return; // literals, names, `...`
  }
}
