// Flow state: what the guards on the path to a point prove about locals. `if not v then
// return end`, `assert(v)`, `if type(v) == 'string' then`: after them, a read of v holds
// only the values of the types the guard lets through. A Flow maps a binding to the Lua
// types it may still have; a binding absent from the map may have any. `undefined` stands
// for a point no path reaches (after `return` or `error()`).
//
// Flows are immutable: every operation returns a new one. Bindings assigned from inside a
// closure are never narrowed (the closure may run between the guard and the read).

import type { Binding } from '../scope.js';
import { ALL_FACETS, facetsOf, type Facet, type ValueSet } from './value.js';

export type Flow = ReadonlyMap<Binding, ReadonlySet<Facet>>;
export type MaybeFlow = Flow | undefined;

export const EMPTY_FLOW: Flow = new Map();

const narrowable = (b: Binding): boolean => !b.writtenFromClosure;

/** `b` may from here on hold only values of the `allowed` types (and of those it already could). */
export function narrow(flow: Flow, b: Binding, allowed: readonly Facet[]): Flow {
  if (!narrowable(b)) return flow;
  const before = flow.get(b);
  const next = new Set(allowed.filter((f) => !before || before.has(f)));
  const out = new Map(flow);
  out.set(b, next);
  return out;
}

/** `b` was assigned: nothing is known about it any more. */
export function forget(flow: Flow, bindings: Iterable<Binding>): Flow {
  let out: Map<Binding, ReadonlySet<Facet>> | undefined;
  for (const b of bindings) {
    if (!flow.has(b)) continue;
    out ??= new Map(flow);
    out.delete(b);
  }
  return out ?? flow;
}

/** Where two paths meet: only what both prove still holds. */
export function join(a: MaybeFlow, b: MaybeFlow): MaybeFlow {
  if (!a) return b;
  if (!b) return a;
  const out = new Map<Binding, ReadonlySet<Facet>>();
  for (const [binding, facets] of a) {
    const other = b.get(binding);
    if (other) out.set(binding, new Set([...facets, ...other]));
  }
  return out;
}

export const joinAll = (flows: readonly MaybeFlow[]): MaybeFlow => flows.reduce<MaybeFlow>((acc, f) => (acc === undefined ? f : join(acc, f)), undefined);

/** The values of `set` that the narrowing of `b` lets through. */
export function narrowed(flow: Flow, b: Binding, set: ValueSet): ValueSet {
  const allowed = flow.get(b);
  if (!allowed || allowed.size === ALL_FACETS.length) return set;
  return set.filter((v) => facetsOf(v).some((f) => allowed.has(f)));
}

/** Every type but `excluded`. */
export const except = (...excluded: Facet[]): Facet[] => ALL_FACETS.filter((f) => !excluded.includes(f));

export const TRUTHY: readonly Facet[] = except('nil', 'false');
export const FALSY: readonly Facet[] = ['nil', 'false'];
