// Which code can run. A local function that nothing references cannot run, nor can one
// referenced only from such functions (shared helpers pasted into many scripts are the
// common case): key findings inside them are not errors (SPEC 2.1). In: the AST and its
// scopes. Out: the dead functions and a test for a node inside one.

import type * as L from 'luaparse';
import { rangeOf, type Chunk, type Node } from '../parse/parse-lua.js';
import type { Binding, Scopes } from './scope.js';
import { walk } from './walk.js';

export interface Liveness {
  readonly deadFunctions: ReadonlySet<L.FunctionDeclaration>;
  /** True when the node is inside a function that cannot run. */
  dead(node: Node): boolean;
}

/** Local functions and the binding that names each: `local function f` or `local f = function`. */
function namedLocalFunctions(chunk: Chunk, scopes: Scopes): Map<L.FunctionDeclaration, Binding> {
  const out = new Map<L.FunctionDeclaration, Binding>();
  walk(chunk as Node, (node) => {
    if (node.type === 'FunctionDeclaration' && node.isLocal && node.identifier?.type === 'Identifier') {
      const b = scopes.resolve.get(node.identifier);
      if (b) out.set(node, b);
    }
    if (node.type === 'LocalStatement') {
      node.variables.forEach((v, i) => {
        const init = node.init[i];
        const b = scopes.resolve.get(v);
        if (init?.type === 'FunctionDeclaration' && b) out.set(init, b);
      });
    }
  });
  return out;
}

/**
 * The innermost of a set of nested functions around an offset, by binary search over their
 * starts and a walk up to the enclosing one (function ranges nest or are disjoint).
 */
class Enclosing {
  private readonly fns: L.FunctionDeclaration[];
  private readonly starts: number[];
  private readonly parent: number[] = [];
  private readonly indexOf = new Map<L.FunctionDeclaration, number>();

  constructor(fns: Iterable<L.FunctionDeclaration>) {
    this.fns = [...fns].sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0]);
    this.starts = this.fns.map((f) => rangeOf(f)[0]);
    this.fns.forEach((f, i) => {
      this.indexOf.set(f, i);
      this.parent.push(this.innermostBefore(i, rangeOf(f)[0]));
    });
  }

  /** The innermost function containing `offset`, or undefined (the main chunk). */
  at(offset: number): L.FunctionDeclaration | undefined {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid + 1;
      else hi = mid;
    }
    const i = this.innermostBefore(lo, offset);
    return i < 0 ? undefined : this.fns[i];
  }

  /** The functions enclosing `fn` (innermost first). */
  *around(fn: L.FunctionDeclaration): Generator<L.FunctionDeclaration> {
    for (let i = this.parent[this.indexOf.get(fn) ?? -1] ?? -1; i >= 0; i = this.parent[i] as number) yield this.fns[i] as L.FunctionDeclaration;
  }

  /** Among the functions before index `end`, the innermost that contains `offset` (-1: none). */
  private innermostBefore(end: number, offset: number): number {
    for (let i = end - 1; i >= 0; i = this.parent[i] as number) {
      if (offset < rangeOf(this.fns[i] as L.FunctionDeclaration)[1]) return i;
    }
    return -1;
  }
}

/**
 * Every named local function starts dead; the main chunk is live, and a read of a function
 * from code whose innermost named function is live makes it live. A function nested in a dead
 * one is read only inside it, so it stays dead with it.
 */
export function findLiveness(chunk: Chunk, scopes: Scopes): Liveness {
  const named = namedLocalFunctions(chunk, scopes);
  const enclosing = new Enclosing(named.keys());
  const calledFrom = new Map<L.FunctionDeclaration | undefined, L.FunctionDeclaration[]>();
  for (const [fn, binding] of named) {
    for (const r of binding.reads) {
      const from = enclosing.at(rangeOf(r)[0]);
      const list = calledFrom.get(from) ?? [];
      list.push(fn);
      calledFrom.set(from, list);
    }
  }
  const dead = new Set(named.keys());
  const work: Array<L.FunctionDeclaration | undefined> = [undefined];
  while (work.length) {
    for (const fn of calledFrom.get(work.pop()) ?? []) {
      if (dead.delete(fn)) work.push(fn);
    }
  }
  const deadAt = (offset: number): boolean => {
    const fn = enclosing.at(offset);
    return fn !== undefined && (dead.has(fn) || [...enclosing.around(fn)].some((f) => dead.has(f)));
  };
  return { deadFunctions: dead, dead: (node) => deadAt(rangeOf(node)[0]) };
}
