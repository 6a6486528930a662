// Limits Redis's Lua 5.1 compiler enforces after the grammar: syntax levels, locals,
// upvalues, registers. A script past one fails at SCRIPT LOAD with the message given here
// (so it is a syntax error, RL001); the first in the source is reported, as Lua reports it.
// Also the one limit of the checker itself: a tree deeper than it follows (RL010).

import type { Chunk, Node, ParsedLua } from '../parse-lua.js';
import { rangeOf } from '../parse-lua.js';
import { parenFinder } from '../parens.js';
import type { Scopes } from '../../analyze/scope.js';
import { tooManyLevels } from './levels.js';
import { tooManyLocals, type LimitHit } from './locals.js';
import { tooManyRegisters } from './registers.js';
import { tooManyUpvalues } from './upvalues.js';

import { tooDeepForChecker, MAX_DEPTH } from './checker-depth.js';

/** Lua's levels, on the tree alone (before anything walks it by recursion). */
export function levelLimit(text: string, parsed: ParsedLua): { at: number; message: string } | undefined {
  const at = tooManyLevels(parsed.ast, parenFinder(text, parsed));
  return at === undefined ? undefined : { at, message: 'chunk has too many syntax levels' };
}

/** Lua's locals, upvalues and registers: the first hit in the source. */
export function frameLimit(chunk: Chunk, scopes: Scopes, lineOf: (offset: number) => number): LimitHit | undefined {
  const hits = [tooManyLocals(chunk, lineOf), tooManyUpvalues(chunk, scopes, lineOf), tooManyRegisters(chunk)].filter((h): h is LimitHit => h !== undefined);
  return hits.sort((a, b) => rangeOf(a.node)[0] - rangeOf(b.node)[0])[0];
}

export type { LimitHit, Node };

const HINTS: Record<string, string> = {
  levels:
    "Redis's Lua 5.1 refuses more than 200 nested blocks and subexpressions (parentheses, operands of .. and ^, unary operators, nested functions, tables, calls and indexes count): move a part into a local",
  locals: 'Lua 5.1 allows 200 locals active at once in one function (a numeric for adds 4, a generic for 3 plus its names): keep related values in a table, or close scopes with do ... end',
  upvalues: 'a Lua 5.1 function may use at most 60 locals of the functions around it: keep them in a table and use that one local',
  registers:
    'one statement needs more stack slots than Lua 5.1 has (249, active locals included): a call or return with about 245 values, or a table constructor item that needs many; build the list in a table in steps',
};

export interface LimitFinding {
  rule: 'syntax-error' | 'checker-limit';
  start: number;
  end: number;
  message: string;
  hint: string;
}

/** Before any recursive walk: Lua's syntax levels, then a tree too deep for the checker. */
export function treeLimit(text: string, parsed: ParsedLua): LimitFinding | undefined {
  const levels = levelLimit(text, parsed);
  if (levels) return { rule: 'syntax-error', start: levels.at, end: levels.at + 1, message: levels.message, hint: HINTS.levels as string };
  const deep = tooDeepForChecker(parsed.ast);
  if (!deep) return undefined;
  const start = rangeOf(deep)[0];
  return { rule: 'checker-limit', start, end: start + 1, message: CHECKER_MESSAGE, hint: CHECKER_HINT };
}

/** After scopes are resolved: locals, upvalues, registers. */
export function functionLimit(parsed: ParsedLua, scopes: Scopes, lineOf: (offset: number) => number): LimitFinding | undefined {
  const hit = frameLimit(parsed.ast, scopes, lineOf);
  if (!hit) return undefined;
  return finding(hit, /local variables/.test(hit.message) ? 'locals' : /upvalues/.test(hit.message) ? 'upvalues' : 'registers');
}

function finding(hit: LimitHit, kind: keyof typeof HINTS): LimitFinding {
  const [start, end] = rangeOf(hit.node);
  return { rule: 'syntax-error', start, end: Math.min(end, start + 1), message: hit.message, hint: HINTS[kind] as string };
}

export const CHECKER_MESSAGE = `nested more than ${MAX_DEPTH} levels deep (a chain of operators, fields or calls): deeper than the checker follows`;
export const CHECKER_HINT = 'Lua reads such a chain without nesting and Redis may run it, but it cannot be checked: split it into steps of a few hundred terms, each in a local';
