// Flow state: what the guards on the path to a point prove about locals. `if not v then
// return end`, `assert(v)`, `if type(v) == 'string' then`, `if v ~= '' then`: after them, a
// read of v holds only the values the guard lets through. A Flow maps a binding to what is
// known of it: the Lua types it may still have, and literal strings it cannot be; a binding
// absent from the map may be anything. `undefined` stands for a point no path reaches (after
// `return` or `error()`).
//
// Flows are immutable: every operation returns a new one. Bindings assigned from inside a
// closure are never narrowed (the closure may run between the guard and the read).

import type { Binding } from '../scope.js';
import { ALL_FACETS, refineSet, type Facet, type ValueSet } from './value.js';

export interface Known {
  /** The Lua types it may have. */
  facets: ReadonlySet<Facet>;
  /** Literal strings it is known not to be. */
  not: ReadonlySet<string>;
}

export type Flow = ReadonlyMap<Binding, Known>;
export type MaybeFlow = Flow | undefined;

export const EMPTY_FLOW: Flow = new Map();

const narrowable = (b: Binding): boolean => !b.writtenFromClosure;
const ANY: Known = { facets: new Set(ALL_FACETS), not: new Set() };

function set(flow: Flow, b: Binding, known: Known): Flow {
  if (!narrowable(b)) return flow;
  const out = new Map(flow);
  out.set(b, known);
  return out;
}

/** `b` may from here on hold only values of the `allowed` types (and of those it already could). */
export function narrow(flow: Flow, b: Binding, allowed: readonly Facet[]): Flow {
  const before = flow.get(b) ?? ANY;
  return set(flow, b, { facets: new Set(allowed.filter((f) => before.facets.has(f))), not: before.not });
}

/** `b` is not the literal string `text` (after `b ~= 'text'`). */
export function exclude(flow: Flow, b: Binding, text: string): Flow {
  const before = flow.get(b) ?? ANY;
  return set(flow, b, { facets: before.facets, not: new Set([...before.not, text]) });
}

/** `b` was assigned: nothing is known about it any more. */
export function forget(flow: Flow, bindings: Iterable<Binding>): Flow {
  let out: Map<Binding, Known> | undefined;
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
  const out = new Map<Binding, Known>();
  for (const [binding, known] of a) {
    const other = b.get(binding);
    if (other) out.set(binding, { facets: new Set([...known.facets, ...other.facets]), not: new Set([...known.not].filter((t) => other.not.has(t))) });
  }
  return out;
}

export const joinAll = (flows: readonly MaybeFlow[]): MaybeFlow => flows.reduce<MaybeFlow>((acc, f) => (acc === undefined ? f : join(acc, f)), undefined);

/** The values of `set` that the narrowing of `b` lets through. */
export function narrowed(flow: Flow, b: Binding, values: ValueSet): ValueSet {
  const known = flow.get(b);
  if (!known) return values;
  const refined = known.facets.size === ALL_FACETS.length ? values : refineSet(values, known.facets);
  return known.not.size ? refined.filter((v) => v.kind !== 'literal' || !known.not.has(v.text)) : refined;
}

/** Every type but `excluded`. */
export const except = (...excluded: Facet[]): Facet[] => ALL_FACETS.filter((f) => !excluded.includes(f));

export const TRUTHY: readonly Facet[] = except('nil', 'false');
export const FALSY: readonly Facet[] = ['nil', 'false'];
