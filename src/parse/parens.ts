// Parentheses in the source around an expression. luaparse drops them (its nodes' ranges
// cover the expression inside), but they matter twice: around a call or `...` they keep one
// value of many (the minifier must print them), and each pair opens one more syntax level
// (Lua 5.1 refuses more than 200).

import type { Comment, Node, ParsedLua } from './parse-lua.js';
import { rangeOf } from './parse-lua.js';

/**
 * The opening parentheses written around a node of one parsed text, innermost first (the
 * parentheses of a call around its sole argument are the call's, not the argument's).
 */
export type ParenFinder = (node: Node, soleArgumentOfCall: boolean) => number[];
export type ParenCounter = (node: Node, soleArgumentOfCall: boolean) => number;

export function parenFinder(text: string, parsed: ParsedLua): ParenFinder {
  const inComment = commentMask(text.length, parsed.comments);
  const skippable = (i: number) => inComment[i] === 1 || /\s/.test(text[i] as string);
  return (node, soleArgumentOfCall) => {
    const [start, end] = rangeOf(node);
    const opening: number[] = [];
    let i = start - 1;
    let j = end;
    for (;;) {
      while (i >= 0 && skippable(i)) i--;
      while (j < text.length && skippable(j)) j++;
      if (text[i] !== '(' || text[j] !== ')') break;
      opening.push(i);
      i--;
      j++;
    }
    if (soleArgumentOfCall) opening.pop();
    return opening;
  };
}

export function parenCounter(text: string, parsed: ParsedLua): ParenCounter {
  const find = parenFinder(text, parsed);
  return (node, sole) => find(node, sole).length;
}

/** 1 at every offset inside a comment. */
function commentMask(length: number, comments: readonly Comment[]): Uint8Array {
  const mask = new Uint8Array(length + 1);
  for (const c of comments) {
    const [s, e] = rangeOf(c);
    mask.fill(1, s, e);
  }
  return mask;
}
