// Locals: Lua 5.1 refuses a function with more than 200 locals active at once
// (LUAI_MAXVARS), counting its parameters and the hidden locals of loops. Measured on Redis
// 7.0.15: 200 top-level locals compile, 201 do not ("main function has more than 200 local
// variables"); 49 nested numeric `for` loops with a local inside compile, 50 do not.

import { rangeOf, type Chunk, type Node } from '../parse-lua.js';
import { walkFrames, type Frame } from './frames.js';

export const MAX_LOCALS = 200;

export interface LimitHit {
  node: Node;
  message: string;
}

/** How Lua names a function in a limit error: "main function" or "function at line N". */
export function functionName(frame: Frame, lineOf: (offset: number) => number): string {
  return frame.fn ? `function at line ${lineOf(rangeOf(frame.owner)[0])}` : 'main function';
}

export function tooManyLocals(chunk: Chunk, lineOf: (offset: number) => number): LimitHit | undefined {
  let first: LimitHit | undefined;
  walkFrames(chunk, {
    declare(frame, node, active) {
      if (active <= MAX_LOCALS || (first && rangeOf(first.node)[0] <= rangeOf(node)[0])) return;
      first = { node, message: `${functionName(frame, lineOf)} has more than ${MAX_LOCALS} local variables` };
    },
  });
  return first;
}
