// Where luaparse and Lua 5.1 differ, on the token stream (lua-tokens.ts):
// - one pass before luaparse (scanTokens): lexical errors luaparse lets through (`0or`,
//   `3..2`, `1_000`: "malformed number"; `[[` nested in a long string or comment), a list that
//   starts with a comma (`f(, x)`), and how deep brackets and blocks nest;
// - the wording of a missing closer: Lua names the construct it closes when it opened on
//   another line ("'end' expected (to close 'if' at line 4) near '<eof>'"), and says
//   "'<eof>' expected" for a block keyword with nothing open.

import { isValidNumeral, luaTokens, type Token } from './lua-tokens.js';

export interface SyntaxProblem {
  message: string;
  start: number;
}

const near = (t: Token) => `near '${t.text}'`;

/** What one pass over Lua's tokens finds before luaparse runs. */
export interface TokenScan {
  /** The first error Lua's lexer gives (or a list that starts with a comma), if any. */
  lexical?: SyntaxProblem;
  /** The most brackets and blocks open at once (each at least one Lua level). */
  maxDepth: number;
  /** Where 200 of them were first open at once. */
  at200?: number;
}

const OPENS = new Set(['(', '{', '[', 'function', 'do', 'then', 'repeat']);
const CLOSES = new Set([')', '}', ']', 'end', 'until', 'elseif']);

export function scanTokens(text: string): TokenScan {
  const scan: TokenScan = { maxDepth: 0 };
  let depth = 0;
  let previous: Token | undefined;
  for (const t of luaTokens(text)) {
    if (t.kind === 'eof') break;
    scan.lexical ??= tokenProblem(t, previous);
    if (t.kind === 'comment') continue;
    previous = t;
    if (t.kind !== 'symbol' && t.kind !== 'name') continue;
    if (OPENS.has(t.text) && ++depth > scan.maxDepth) {
      scan.maxDepth = depth;
      if (depth === 200) scan.at200 ??= t.start;
    }
    if (CLOSES.has(t.text)) depth--;
  }
  return scan;
}

/** The lexical error at token `t` (after `previous`, comments skipped), if any. */
function tokenProblem(t: Token, previous: Token | undefined): SyntaxProblem | undefined {
  if (t.kind === 'number' && !isValidNumeral(t.text)) return { message: `malformed number ${near(t)}`, start: t.start };
  // Lua 5.1 refuses `[[` inside a `[[ ]]` string or a `--[[ ]]` comment.
  const body = t.kind === 'string' && t.text.startsWith('[[') ? 2 : t.kind === 'comment' && t.text.startsWith('--[[') ? 4 : -1;
  const nested = body > 0 ? t.text.indexOf('[[', body) : -1;
  if (nested > 0) return { message: "nesting of [[...]] is deprecated near '['", start: t.start + nested };
  if (t.text === ',' && t.kind === 'symbol' && previous && !endsValue(previous)) return { message: `unexpected symbol ${near(t)}`, start: t.start };
  return undefined;
}

const KEYWORDS = new Set('and break do else elseif end false for function if in local nil not or repeat return then true until while'.split(' '));

/** A token a comma may follow in Lua: the end of a value or a name (luaparse lets `f(, x)` and `return , x` through). */
function endsValue(t: Token): boolean {
  if (t.kind === 'number' || t.kind === 'string') return true;
  if (t.kind === 'name') return !KEYWORDS.has(t.text) || ['nil', 'true', 'false', 'end'].includes(t.text);
  return [')', ']', '}', '...'].includes(t.text);
}

interface Opener {
  /** The word Lua names: 'if', 'while', 'for', 'function', 'do', 'repeat', '(', '{', '['. */
  who: string;
  closer: string;
  start: number;
  /** A `while` or `for` whose `do` has not come yet. */
  awaitsDo?: boolean;
}

const CLOSERS: Record<string, string> = { if: 'end', while: 'end', for: 'end', function: 'end', do: 'end', repeat: 'until', '(': ')', '{': '}', '[': ']' };

/** The blocks and brackets open just before `offset`, innermost last. */
function openAt(text: string, offset: number): Opener[] {
  const stack: Opener[] = [];
  for (const t of luaTokens(text)) {
    if (t.start >= offset || t.kind === 'eof') break;
    if (t.kind === 'string' || t.kind === 'number' || t.kind === 'comment') continue;
    const top = stack[stack.length - 1];
    if (t.text === 'do' && top?.awaitsDo) top.awaitsDo = false;
    else if (CLOSERS[t.text]) stack.push({ who: t.text, closer: CLOSERS[t.text] as string, start: t.start, awaitsDo: t.text === 'while' || t.text === 'for' });
    else if (top && t.text === top.closer) stack.pop();
  }
  return stack;
}

/**
 * Lua's wording of a syntax error luaparse reported at `start` with `message`.
 * `lineOf` gives the line of an offset.
 */
export function luaWording(text: string, message: string, start: number, lineOf: (offset: number) => number): string {
  const before = tokenBefore(text, start);
  const expected = /^'(end|until|\)|\}|\])' expected (near .+)$/.exec(message);
  if (expected) return closerWording(text, expected[1] as string, expected[2] as string, before, start, lineOf) ?? message;
  const unexpected = /^unexpected symbol (near .+)$/.exec(message);
  const blockWord = /^near '(end|until|else|elseif)'$/.test(unexpected?.[1] ?? '');
  if (unexpected && (!before || endsValue(before) || (blockWord && before.text === 'return'))) return blockEndWording(text, unexpected[1] as string, start, lineOf) ?? message;
  return message;
}

/** "'X' expected": Lua names the construct X closes when it opened on another line. */
function closerWording(text: string, closer: string, near: string, before: Token | undefined, start: number, lineOf: (offset: number) => number): string | undefined {
  // After an opening bracket or a separator Lua reads an expression, and the token cannot start one.
  const b = before?.text ?? '';
  if ((closer === '}' && ['{', ',', ';'].includes(b)) || (closer === ')' && ['(', ','].includes(b))) return `unexpected symbol ${near}`;
  const opener = [...openAt(text, start)].reverse().find((o) => o.closer === closer);
  if (!opener || opener.who === '[' || lineOf(opener.start) === lineOf(start)) return undefined;
  return `'${closer}' expected (to close '${opener.who}' at line ${lineOf(opener.start)}) ${near}`;
}

/**
 * After `return <values>`, or at a block keyword where no block is open, Lua expects the
 * block to end: "'<eof>' expected" at the top, "'end' expected" inside a block.
 */
function blockEndWording(text: string, near: string, start: number, lineOf: (offset: number) => number): string | undefined {
  const blockWord = /^near '(end|until|else|elseif|return)'$/.test(near);
  if (!blockWord && !afterReturn(text, start)) return undefined;
  const open = openAt(text, start);
  const top = open[open.length - 1];
  if (!top) return `'<eof>' expected ${near}`;
  if (!BLOCKS.has(top.who)) return undefined;
  const where = lineOf(top.start) !== lineOf(start) ? ` (to close '${top.who}' at line ${lineOf(top.start)})` : '';
  return `'${top.closer}' expected${where} ${near}`;
}

const BLOCKS = new Set(['if', 'while', 'for', 'function', 'do', 'repeat']);
/** Keywords that begin or end a statement: the last one before a token says which statement it is in. */
const STATEMENT_WORDS = new Set(['return', 'local', 'function', 'if', 'while', 'for', 'repeat', 'do', 'then', 'else', 'end', 'break', 'until', ';']);

/** True when the last statement word before `offset` is `return` (the token is in its value list). */
function afterReturn(text: string, offset: number): boolean {
  let last = '';
  for (const t of luaTokens(text)) {
    if (t.start >= offset || t.kind === 'eof') break;
    if (t.kind !== 'string' && t.kind !== 'comment' && STATEMENT_WORDS.has(t.text)) last = t.text;
  }
  return last === 'return';
}

/** The last token that starts before `offset`. */
function tokenBefore(text: string, offset: number): Token | undefined {
  let last: Token | undefined;
  for (const t of luaTokens(text)) {
    if (t.start >= offset || t.kind === 'eof') break;
    if (t.kind !== 'comment') last = t;
  }
  return last;
}
