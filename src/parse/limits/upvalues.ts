// Upvalues: Lua 5.1 refuses a function that uses more than 60 locals of the functions around
// it (LUAI_MAXUPVALUES). A local of an outer function read by a nested one is an upvalue of
// every function in between. Measured on Redis 7.0.15: 60 compile, 61 do not ("function at
// line N has more than 60 upvalues").

import type * as L from 'luaparse';
import { rangeOf, type Chunk } from '../parse-lua.js';
import type { Binding, Scopes } from '../../analyze/scope.js';
import { Enclosing } from '../../analyze/enclosing.js';
import { functionName, type LimitHit } from './locals.js';

export const MAX_UPVALUES = 60;

export function tooManyUpvalues(_chunk: Chunk, scopes: Scopes, lineOf: (offset: number) => number): LimitHit | undefined {
  const enclosing = new Enclosing(scopes.functions.keys());
  const upvalues = new Map<L.FunctionDeclaration, Set<Binding>>();
  const uses = [...scopes.resolve].sort((a, b) => rangeOf(a[0])[0] - rangeOf(b[0])[0]);
  for (const [id, binding] of uses) {
    if (binding.decl === id) continue; // `local function f` starts before its name
    const start = rangeOf(id)[0];
    const inner = enclosing.at(start);
    if (!inner || inner === binding.fn) continue;
    for (const fn of [inner, ...enclosing.around(inner)]) {
      if (fn === binding.fn) break;
      const set = upvalues.get(fn) ?? new Set<Binding>();
      upvalues.set(fn, set);
      set.add(binding);
      if (set.size > MAX_UPVALUES) return { node: id, message: `${functionName({ fn, owner: fn }, lineOf)} has more than ${MAX_UPVALUES} upvalues` };
    }
  }
  return undefined;
}
