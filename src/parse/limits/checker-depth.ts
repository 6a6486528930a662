// How deep the syntax tree nests. Lua caps nesting at 200 levels (levels.ts), but a chain
// that Lua reads without nesting (`a + a + a ...`, `t.x.x.x ...`, `f()()()...`) is a tree
// as deep as it is long, and the analysis follows trees by recursion. Past MAX_DEPTH the
// script is refused with a diagnostic (RL010) instead of a stack overflow. Iterative.

import type { Chunk, Node } from '../parse-lua.js';
import { eachChildReversed } from '../../analyze/walk.js';

/** Far below the depth the analysis survives (about 1,700 for a chain of method calls). */
export const MAX_DEPTH = 1000;

/** The first node (in tree order) more than MAX_DEPTH below the chunk, or undefined. */
export function tooDeepForChecker(chunk: Chunk): Node | undefined {
  const stack: Array<[Node, number]> = [[chunk as Node, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [Node, number];
    if (depth > MAX_DEPTH) return node;
    eachChildReversed(node, (child) => stack.push([child, depth + 1]));
  }
  return undefined;
}
