// Which code can run. A local function that nothing references cannot run, nor can one
// referenced only from such functions (shared helpers pasted into many scripts are the
// common case): key findings inside them are not errors (SPEC 2.1). In: the AST and its
// scopes. Out: the dead functions and a test for a node inside one.

import type * as L from 'luaparse';
import { rangeOf, type Chunk, type Node } from '../parse/parse-lua.js';
import type { Binding, Scopes } from './scope.js';
import { walk } from './walk.js';
import { Enclosing } from './enclosing.js';

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
