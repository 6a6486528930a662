// A generic pre-order walk over luaparse nodes that passes each node's parent. Iterative, so
// a chain of any length (a + a + ... or t.x.x.x...) cannot overflow the stack.

import type { Node } from '../parse/parse-lua.js';

export type Visitor = (node: Node, parent: Node | undefined) => void;

/** The fields of each node kind that hold child nodes, in luaparse's order. */
const CHILDREN: Record<string, readonly string[]> = {
  Chunk: ['body'],
  LabelStatement: ['label'],
  GotoStatement: ['label'],
  BreakStatement: [],
  ReturnStatement: ['arguments'],
  IfStatement: ['clauses'],
  IfClause: ['condition', 'body'],
  ElseifClause: ['condition', 'body'],
  ElseClause: ['body'],
  WhileStatement: ['condition', 'body'],
  DoStatement: ['body'],
  RepeatStatement: ['condition', 'body'],
  LocalStatement: ['variables', 'init'],
  AssignmentStatement: ['variables', 'init'],
  CallStatement: ['expression'],
  FunctionDeclaration: ['identifier', 'parameters', 'body'],
  ForNumericStatement: ['variable', 'start', 'end', 'step', 'body'],
  ForGenericStatement: ['variables', 'iterators', 'body'],
  Identifier: [],
  StringLiteral: [],
  NumericLiteral: [],
  BooleanLiteral: [],
  NilLiteral: [],
  VarargLiteral: [],
  TableKey: ['key', 'value'],
  TableKeyString: ['key', 'value'],
  TableValue: ['value'],
  TableConstructorExpression: ['fields'],
  BinaryExpression: ['left', 'right'],
  LogicalExpression: ['left', 'right'],
  UnaryExpression: ['argument'],
  MemberExpression: ['identifier', 'base'],
  IndexExpression: ['base', 'index'],
  CallExpression: ['base', 'arguments'],
  TableCallExpression: ['base', 'arguments'],
  StringCallExpression: ['base', 'argument'],
};

const SKIPPED = new Set(['type', 'range', 'loc', 'comments', 'globals']);

/** Calls `each` with the child nodes of `node`, last first (so a stack pops them in order). */
export function eachChildReversed(node: Node, each: (child: Node) => void): void {
  const keys = CHILDREN[node.type] ?? Object.keys(node).filter((k) => !SKIPPED.has(k));
  const record = node as unknown as Record<string, unknown>;
  for (let k = keys.length - 1; k >= 0; k--) {
    const value = record[keys[k] as string];
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) if (isNode(value[i])) each(value[i]);
    } else if (isNode(value)) each(value);
  }
}

export function walk(root: Node, visit: Visitor): void {
  // Two parallel stacks: no pair allocated per node.
  const nodes: Node[] = [root];
  const parents: Array<Node | undefined> = [undefined];
  while (nodes.length) {
    const node = nodes.pop() as Node;
    visit(node, parents.pop());
    eachChildReversed(node, (child) => {
      nodes.push(child);
      parents.push(node);
    });
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
