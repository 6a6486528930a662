// A light Lua 5.1 tokenizer, for what luaparse does not tell: where blocks and brackets open
// (to word syntax errors as Lua does: "'end' expected (to close 'if' at line 4)"), numerals
// as Lua's lexer reads them (it takes every letter, digit and `_` after a number, so `0or`
// and `3..2` are malformed numbers), and how deep brackets nest. Strings and comments are
// skipped whole; it never fails (an unfinished string runs to the end of its line).

export type TokenKind = 'name' | 'number' | 'string' | 'comment' | 'symbol' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
}

const SKIP = /\s+/y;
const COMMENT = /--\[(=*)\[[\s\S]*?(?:\]\1\]|$)|--[^\n]*/y;
const LONG_STRING = /\[(=*)\[[\s\S]*?(?:\]\1\]|$)/y;
const QUOTED = /"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[\s\S]|[^'\\\n])*'?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
// Lua 5.1 read_numeral: digits and dots, an exponent sign after e/E, then any alphanumerics or _.
const NUMERAL = /(?:\d|\.\d)[\d.]*(?:[eE][-+]?)?[A-Za-z0-9_]*/y;
const SYMBOL = /\.\.\.|\.\.|==|~=|<=|>=|[\s\S]/y;

function sticky(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

export function* luaTokens(text: string): Generator<Token> {
  let at = 0;
  for (;;) {
    for (let skip = sticky(SKIP, text, at); skip; skip = sticky(SKIP, text, at)) at += skip.length;
    if (at >= text.length) {
      yield { kind: 'eof', text: '<eof>', start: text.length };
      return;
    }
    const token = read(text, at);
    yield token;
    at += token.text.length;
  }
}

function read(text: string, at: number): Token {
  const comment = text.startsWith('--', at) ? sticky(COMMENT, text, at) : undefined;
  if (comment) return { kind: 'comment', text: comment, start: at };
  const long = text[at] === '[' ? sticky(LONG_STRING, text, at) : undefined;
  if (long) return { kind: 'string', text: long, start: at };
  const quoted = text[at] === '"' || text[at] === "'" ? sticky(QUOTED, text, at) : undefined;
  if (quoted) return { kind: 'string', text: quoted, start: at };
  const name = sticky(NAME, text, at);
  if (name) return { kind: 'name', text: name, start: at };
  const numeral = sticky(NUMERAL, text, at);
  if (numeral) return { kind: 'number', text: numeral, start: at };
  return { kind: 'symbol', text: sticky(SYMBOL, text, at) as string, start: at };
}

/** A numeral Lua 5.1 converts (luaO_str2d: strtod, or a hexadecimal integer). */
export function isValidNumeral(text: string): boolean {
  return /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text) || /^0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][-+]?\d+)?$/.test(text);
}
