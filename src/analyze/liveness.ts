// Which code can run. A local function that nothing references cannot run, nor can one
// referenced only from such functions (shared helpers pasted into many scripts are the
// common case): key findings inside them are not errors (SPEC 2.1). In: the AST and its
// scopes. Out: the dead functions and a test for a node inside one.

import type * as L from 'luaparse';
import { rangeOf, type Chunk, type Node } from '../parse/parse-lua.js';
import type { Binding, Scopes } from './scope.js';

export interface Liveness {
  readonly deadFunctions: ReadonlySet<L.FunctionDeclaration>;
  /** True when the node is inside a function that cannot run. */
  dead(node: Node): boolean;
}

/** Local functions and the binding that names each: `local function f` or `local f = function`. */
function namedLocalFunctions(chunk: Chunk, scopes: Scopes): Map<L.FunctionDeclaration, Binding> {
  const out = new Map<L.FunctionDeclaration, Binding>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object' || typeof (n as { type?: unknown }).type !== 'string') return;
    const node = n as Node;
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
    for (const [k, v] of Object.entries(node)) if (k !== 'range' && k !== 'loc') visit(v);
  };
  visit(chunk.body);
  return out;
}

export function findLiveness(chunk: Chunk, scopes: Scopes): Liveness {
  const named = namedLocalFunctions(chunk, scopes);
  const dead = new Set(named.keys());
  const inside = (offset: number, fns: Iterable<L.FunctionDeclaration>): boolean => {
    for (const fn of fns) {
      const [s, e] = rangeOf(fn);
      if (offset >= s && offset < e) return true;
    }
    return false;
  };
  // Every function starts dead; one read from code outside all dead functions revives it.
  for (let changed = true; changed; ) {
    changed = false;
    for (const fn of dead) {
      const binding = named.get(fn) as Binding;
      if (binding.reads.some((r) => !inside(rangeOf(r)[0], dead))) {
        dead.delete(fn);
        changed = true;
      }
    }
  }
  return { deadFunctions: dead, dead: (node) => inside(rangeOf(node)[0], dead) };
}
