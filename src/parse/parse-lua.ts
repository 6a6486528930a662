// luaparse behind a small typed wrapper. Every luaparse quirk is handled here and only here:
// - it parses Lua 5.1 (`luaVersion: '5.1'`): goto, //, &, <const> are syntax errors;
// - it does not know Redis' shebang line, so that line is blanked (same length) first;
// - its columns are 0-based and its messages carry a "[line:col] " prefix: we use only
//   `range` offsets and strip the prefix, positions are computed by SourceFile;
// - string values are read in 'pseudo-latin1' mode on the UTF-8 decoded text, so any
//   character is accepted and `value` holds the decoded string.

import luaparse from 'luaparse';
import type { Chunk, Comment } from 'luaparse';

export type { Chunk, Comment };
export type Node = luaparse.Node;

export interface ParsedLua {
  ast: Chunk;
  comments: Comment[];
}

export interface LuaSyntaxError {
  message: string;
  start: number;
  end: number;
}

export type ParseResult = { ok: true; parsed: ParsedLua } | { ok: false; error: LuaSyntaxError };

const OPTIONS = {
  luaVersion: '5.1',
  comments: true,
  locations: false,
  ranges: true,
  scope: false, // scopes are resolved by analyze/scope.ts (luaparse's search is quadratic in a big scope)
  encodingMode: 'pseudo-latin1',
} as const;

/** Parse Lua 5.1 text. `shebangEnd` is the offset where an already-validated shebang line ends. */
export function parseLua(text: string, shebangEnd = 0): ParseResult {
  const body = shebangEnd > 0 ? ' '.repeat(shebangEnd) + text.slice(shebangEnd) : text;
  // luaparse keeps its lexer state in module variables, and some errors read what the
  // previous parse left there (in a fresh process: nothing, and it crashes). Parsing an empty
  // chunk first gives every parse the same starting state.
  luaparse.parse('', OPTIONS);
  try {
    const ast = luaparse.parse(body, OPTIONS);
    return { ok: true, parsed: { ast, comments: (ast.comments ?? []) as Comment[] } };
  } catch (e) {
    // luaparse reads nesting by recursion and runs out of stack near 2,000 levels; Lua refuses
    // more than 200 (parse/limits/levels.ts), so this is the error Redis gives too.
    if (e instanceof RangeError) {
      const start = Math.min(deepestOpening(body), text.length);
      return { ok: false, error: { message: 'chunk has too many syntax levels', start, end: tokenEnd(body, start) } };
    }
    const err = e as { message?: string; index?: number };
    if (typeof err.index !== 'number') throw e;
    const message = luacStyleMessage(String(err.message));
    let start = Math.min(err.index, text.length);
    // luaparse reports some errors (an unfinished string) after the token: point at the token.
    const near = /near '(.+)'$/.exec(message)?.[1];
    if (near && near !== '<eof>' && !body.startsWith(near, start)) {
      const at = body.lastIndexOf(near, start);
      if (at >= 0) start = at;
    }
    return { ok: false, error: { message, start, end: tokenEnd(body, start) } };
  }
}

/** Reword luaparse's messages the way luac 5.1 (and so Redis) words them, where they differ. */
function luacStyleMessage(message: string): string {
  const m = message.replace(/^\[\d+:\d+\] /, '');
  const unexpected = /^unexpected (?:symbol|number|string|identifier|keyword) (.+) near .+$/.exec(m);
  if (unexpected) return `unexpected symbol near ${unexpected[1]}`;
  const expr = /^<expression> expected near (.+)$/.exec(m);
  if (expr) return `unexpected symbol near ${expr[1]}`;
  return m;
}

function tokenEnd(text: string, start: number): number {
  if (start >= text.length) return start;
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|\S)/.exec(text.slice(start));
  return start + (m ? m[0].length : 1);
}

/** The [start, end) offsets luaparse stores on every node with `ranges: true`. */
export function rangeOf(node: Node | Comment): [number, number] {
  return (node as { range?: [number, number] }).range ?? [0, 0];
}

const OPENS = new Set(['(', '{', '[', 'function', 'do', 'then', 'repeat']);
const CLOSES = new Set([')', '}', ']', 'end', 'until', 'elseif']);

/**
 * Where brackets and blocks first nest past 200 (strings and comments skipped): the place to
 * report a nesting luaparse could not read. 0 when the scan finds none.
 */
function deepestOpening(text: string): number {
  const token = /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|"(?:\\[\s\S]|[^"\\\n])*"|'(?:\\[\s\S]|[^'\\\n])*'|[A-Za-z_][A-Za-z0-9_]*|[(){}[\]]/g;
  let depth = 0;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    if (OPENS.has(m[0]) && ++depth > 200) return m.index;
    if (CLOSES.has(m[0])) depth--;
  }
  return 0;
}
