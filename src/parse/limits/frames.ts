// Every function's frame as Lua 5.1 builds it: the locals active at each statement, counted
// as lparser.c counts them (parameters, `self` of a method, `arg` of a vararg function,
// and the hidden locals of a loop: 3 for a numeric `for` besides its variable, 3 for a
// generic `for` besides its names). Blocks nest at most 200 deep (levels.ts runs first).

import type * as L from 'luaparse';
import type { Chunk, Node } from '../parse-lua.js';
import { walk } from '../../analyze/walk.js';

/** A function's frame: the main chunk (fn undefined) or a function body. */
export interface Frame {
  fn: L.FunctionDeclaration | undefined;
  /** The node that owns the frame (the chunk or the function). */
  owner: Node;
}

export interface FrameVisitor {
  /** A local declared: `node` names it, `active` counts it and every local active before it. */
  declare?(frame: Frame, node: Node, active: number): void;
  /** A statement, with the number of locals active before it. */
  statement?(frame: Frame, s: L.Statement, active: number): void;
}

export function walkFrames(chunk: Chunk, visitor: FrameVisitor): void {
  const frames: Frame[] = [{ fn: undefined, owner: chunk as Node }];
  walk(chunk as Node, (node) => {
    if (node.type === 'FunctionDeclaration') frames.push({ fn: node, owner: node });
  });
  for (const frame of frames) {
    let active = 0;
    if (frame.fn) {
      const declare = (node: Node) => {
        active++; // not inside the optional call below: `?.` skips its arguments when there is no visitor
        visitor.declare?.(frame, node, active);
      };
      if (frame.fn.identifier?.type === 'MemberExpression' && frame.fn.identifier.indexer === ':') declare(frame.fn as Node);
      for (const p of frame.fn.parameters) declare(p as Node); // `...` stands for `arg` in Lua 5.1
    }
    block(frame, frame.fn ? frame.fn.body : chunk.body, active, visitor);
  }
}

function block(frame: Frame, body: readonly L.Statement[], before: number, visitor: FrameVisitor): void {
  let active = before;
  const declare = (node: Node, n = 1) => {
    for (let i = 0; i < n; i++) {
      active++;
      visitor.declare?.(frame, node, active);
    }
  };
  for (const s of body) {
    visitor.statement?.(frame, s, active);
    switch (s.type) {
      case 'LocalStatement':
        for (const v of s.variables) declare(v as Node);
        break;
      case 'FunctionDeclaration':
        if (s.isLocal) declare(s.identifier as Node);
        break;
      case 'IfStatement':
        for (const c of s.clauses) block(frame, c.body, active, visitor);
        break;
      case 'WhileStatement':
      case 'RepeatStatement':
      case 'DoStatement':
        block(frame, s.body, active, visitor);
        break;
      case 'ForNumericStatement':
      case 'ForGenericStatement': {
        const mark = active;
        declare(s as Node, 3); // (for index), (for limit), (for step) / (for generator), (for state), (for control)
        for (const v of s.type === 'ForNumericStatement' ? [s.variable] : s.variables) declare(v as Node);
        block(frame, s.body, active, visitor);
        active = mark;
        break;
      }
      default:
        break;
    }
  }
}
