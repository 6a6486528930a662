// luaparse behind a small typed wrapper. Every luaparse quirk is handled here and only here:
// - it parses Lua 5.1 (`luaVersion: '5.1'`): goto, //, &, <const> are syntax errors;
// - it does not know Redis' shebang line, so that line is blanked (same length) first;
// - its columns are 0-based and its messages carry a "[line:col] " prefix: we use only
//   `range` offsets and strip the prefix, positions are computed by SourceFile;
// - string values are read in 'pseudo-latin1' mode on the UTF-8 decoded text; that mode
//   refuses characters past U+00FF, so those are masked (same length) for the parse and put
//   back in every string and comment after it: `value` and `raw` hold the real text;
// - the errors it lets through or words differently are caught on Lua's own tokens
//   (lua-syntax.ts), and its stack overflow on deep nesting is Lua's "too many syntax levels".

import luaparse from 'luaparse';
import type { Chunk, Comment } from 'luaparse';
import { computeLineStarts, lineAt } from '../source/source-file.js';
import { walk } from '../analyze/walk.js';
import { luaWording, scanTokens, type TokenScan } from './lua-syntax.js';
import { luaTokens } from './lua-tokens.js';

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
  const read = readAsLuaDoes(body); // what Lua's lexer reads (a NUL after a number is part of it)
  const masked = read.replace(WIDE, MASK);
  // luaparse keeps its lexer state in module variables, and some errors read what the
  // previous parse left there (in a fresh process: nothing, and it crashes). Parsing an empty
  // chunk first gives every parse the same starting state.
  luaparse.parse('', OPTIONS);
  // luaparse reads nesting by recursion: text nested far past Lua's limit never reaches it, so
  // the verdict cannot depend on how much stack the process has left.
  const scan = scanTokens(read);
  if (scan.maxDepth >= PRECHECK_DEPTH) return { ok: false, error: levelsError(read, scan) };
  let ast: Chunk;
  let given = masked;
  try {
    ast = luaparse.parse(masked, OPTIONS);
  } catch (e) {
    // luaparse counts a multi-line string's line from its start, so `f[[a<newline>b]] (x)`
    // looks like a call on a new line to it; Lua counts from the string's end. Again, with
    // the line breaks of long strings masked (their values are put back below).
    const flat = /ambiguous syntax/.test(String((e as Error).message)) ? flattenLongStrings(masked) : masked;
    if (flat === masked) return { ok: false, error: parseFailure(e, read, scan) };
    try {
      ast = luaparse.parse(flat, OPTIONS);
      given = flat;
    } catch (again) {
      return { ok: false, error: parseFailure(again, read, scan) };
    }
  }
  const lexical = scan.lexical;
  if (lexical) return { ok: false, error: { message: lexical.message, start: lexical.start, end: tokenEnd(body, lexical.start) } };
  const comments = (ast.comments ?? []) as Comment[];
  if (given !== body) unmask(ast, comments, body);
  return { ok: true, parsed: { ast, comments } };
}

/** Characters luaparse's pseudo-latin1 mode refuses, and what stands in for each UTF-16 unit. */
const WIDE = /[^\u0000-\u00ff]/g;
const MASK = '\u0080';

/**
 * Lua 5.1's lexer tests "is the next character one of these" with strchr(), which also finds
 * a NUL byte: outside strings and comments, a NUL right after a number is read as part of it
 * (`2\0` is 2; letters and digits after it too), and `.\0` is `..`. Redis compiles such text,
 * so luaparse is given the same program (same length: a NUL and what it swallows become
 * spaces, `.\0` becomes `..`).
 */
function readAsLuaDoes(text: string): string {
  if (!text.includes('\0')) return text;
  return text.replace(NUL_QUIRKS, (all, skipped: string | undefined, numeral: string | undefined, swallowed: string | undefined, plain: string | undefined) => {
    if (skipped !== undefined || plain !== undefined) return all;
    if (numeral !== undefined) return numeral + ' '.repeat((swallowed as string).length);
    return all.replace(/\0/g, '.');
  });
}

// Skipped whole: comments, strings, names, and numerals without a NUL (so that a NUL after an
// exponent's digits, `2.5e-1\0`, is not taken for one after a numeral's start).
const NUL_QUIRKS =
  /(--\[(?:=*)\[[\s\S]*?(?:\]=*\]|$)|--[^\n]*|\[=*\[[\s\S]*?(?:\]=*\]|$)|"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[\s\S]|[^'\\\n])*'?|[A-Za-z_][A-Za-z0-9_]*)|((?:\d|\.\d)[\d.]*)(\0[-+\0]?[A-Za-z0-9_]*)|((?:\d|\.\d)[\d.]*(?:[eE][-+]?)?[A-Za-z0-9_]*)|\.\.?\0\0?/g;

const LINE_MASK = '\u0081';

/** The text with every line break inside a long string (`[[...]]`, `[==[...]==]`) masked. */
function flattenLongStrings(text: string): string {
  let out = '';
  let at = 0;
  for (const t of luaTokens(text)) {
    if (t.kind !== 'string' || !t.text.startsWith('[') || !/[\r\n]/.test(t.text)) continue;
    out += text.slice(at, t.start) + t.text.replace(/[\r\n]/g, LINE_MASK);
    at = t.start + t.text.length;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** What a long string holds: the text between its brackets, less one line break right after the opening (as Lua reads it). */
function longStringValue(raw: string): string {
  const open = (/^\[=*\[/.exec(raw) as RegExpExecArray)[0];
  const inner = raw.slice(open.length, raw.length - open.length);
  return inner.replace(/^(?:\r\n|\n\r|\n|\r)/, '');
}

/** Puts the masked characters back into the raw text and value of every string and comment. */
function unmask(ast: Chunk, comments: Comment[], body: string): void {
  const fix = (node: { raw: string; value: unknown; range?: [number, number] }) => {
    if (!node.range) return;
    if (node.raw.includes(LINE_MASK)) {
      node.raw = body.slice(node.range[0], node.range[1]);
      node.value = longStringValue(node.raw);
    }
    if (!node.raw.includes(MASK)) return;
    const raw = body.slice(node.range[0], node.range[1]);
    const wide = raw.match(WIDE) ?? []; // one entry per UTF-16 unit, in order, as masked
    let next = 0;
    node.raw = raw;
    if (typeof node.value === 'string') node.value = node.value.replace(/\u0080/g, (m) => wide[next++] ?? m);
  };
  walk(ast as Node, (node) => {
    if (node.type === 'StringLiteral') fix(node as unknown as { raw: string; value: unknown; range?: [number, number] });
  });
  for (const c of comments) fix(c as unknown as { raw: string; value: unknown; range?: [number, number] });
}

/** A luaparse exception as Lua would report it. */
function parseFailure(e: unknown, body: string, scan: TokenScan): LuaSyntaxError {
  // luaparse reads nesting by recursion and runs out of stack near 2,000 levels; Lua refuses
  // more than 200 (parse/limits/levels.ts), so this is the error Redis gives too.
  if (e instanceof RangeError) return levelsError(body, scan);
  const err = e as { message?: string; index?: number };
  if (typeof err.index !== 'number') throw e;
  let message = luacStyleMessage(String(err.message));
  let start = Math.min(err.index, body.length);
  // luaparse reports some errors (an unfinished string) after the token: point at the token.
  const near = /near '(.+)'$/.exec(message)?.[1];
  if (near && near !== '<eof>' && !body.startsWith(near, start)) {
    const at = body.lastIndexOf(near, start);
    if (at >= 0) start = at;
  }
  message = message.replace(MASK, body[start] ?? MASK);
  // A lexical error earlier in the text is the one Lua meets first.
  const earlier = scan.lexical && scan.lexical.start < start ? scan.lexical : undefined;
  if (earlier) return { message: earlier.message, start: earlier.start, end: tokenEnd(body, earlier.start) };
  const starts = computeLineStarts(body);
  return { message: luaWording(body, message, start, (o) => lineAt(starts, o)), start, end: tokenEnd(body, start) };
}

/** Reword luaparse's messages the way luac 5.1 (and so Redis) words them, where they differ. */
function luacStyleMessage(message: string): string {
  const m = message.replace(/^\[\d+:\d+\] /, '');
  const unexpected = /^unexpected (?:symbol|number|string|identifier|keyword) (.+) near .+$/.exec(m);
  if (unexpected) return `unexpected symbol near ${unexpected[1]}`;
  const expr = /^<expression> expected near (.+)$/.exec(m);
  if (expr) return `unexpected symbol near ${expr[1]}`;
  if (m.startsWith('<name> expected')) return `'<name>'${m.slice('<name>'.length)}`;
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

/** Lua's "too many syntax levels", where 200 brackets and blocks were first open (else at the start). */
function levelsError(body: string, scan: TokenScan): LuaSyntaxError {
  const start = Math.min(scan.at200 ?? 0, body.length);
  return { message: 'chunk has too many syntax levels', start, end: tokenEnd(body, start) };
}

/** Past this many open brackets and blocks (far past Lua's 200), luaparse is not called. */
const PRECHECK_DEPTH = 300;
