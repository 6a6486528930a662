// Value-origin analysis (SPEC 2.1): for every expression, the set of values it may hold and
// where each comes from: a KEYS element, a key derived from one (or from an ARGV prefix), a
// literal, ARGV, a command reply, another computed string, a number, a table, a function...
//
// Locals, parameters, table fields and returns collect every value ever given to them
// (flow-insensitive, conservative), and the whole program is walked again until no set grows
// (a fixpoint); then a last walk records the facts rules read. Reads of a local are narrowed
// by the guards on the path to them (flow.ts): `if not v then return end` makes v non-nil
// below it. The handlers live one concern per file:
//   expressions.ts  one handler per expression kind       calls.ts      calls and arguments
//   builtins.ts     one handler per sandbox builtin        statements.ts one per statement kind
//   conditions.ts   what a test proves on each branch      flow.ts       the guards' state
//   analysis.ts     the fixpoint's state                   value.ts      values and sets

import type { Chunk } from '../../parse/parse-lua.js';
import type { Scopes } from '../scope.js';
import { ValueAnalysis, type Facts, type ValueOptions } from './analysis.js';
import { EMPTY_FLOW } from './flow.js';
import { block } from './statements.js';

export type { CallFact, Facts, RedisCallFact, ReturnFact, ValueOptions } from './analysis.js';
export { describeValue, isStringish, ValueSet } from './value.js';
export type { TableObject, Value, ValueList } from './value.js';

const NO_OPTIONS: ValueOptions = { fractionalArg: () => false };

export function analyzeValues(chunk: Chunk, scopes: Scopes, options: ValueOptions = NO_OPTIONS): Facts {
  const a = new ValueAnalysis(scopes, options);
  for (; a.pass < 10000; a.pass++) {
    a.grew = false;
    block(a, chunk.body, EMPTY_FLOW, undefined);
    a.applyEscapes(false);
    if (!a.grew) a.applyEscapes(true);
    if (!a.grew) break;
  }
  a.collecting = true;
  a.pass++;
  block(a, chunk.body, EMPTY_FLOW, undefined);
  return a.facts;
}
