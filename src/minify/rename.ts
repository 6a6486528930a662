// Renaming by binding: every local (variable, parameter, loop variable, local function)
// gets the shortest name that clashes with nothing it could meet. Frequently used locals
// get the shortest names. Globals, fields, method names and `self` are never renamed.
// Two locals may share a name only when neither is visible where the other occurs; no
// local takes the name of a global the script uses, or a Lua keyword. Deterministic.

import type * as L from 'luaparse';
import type { Binding, Scopes } from '../analyze/scope.js';
import { rangeOf } from '../parse/parse-lua.js';

const KEYWORDS = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(' '),
);
const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const REST = FIRST + '0123456789';

function* shortNames(): Generator<string> {
  for (let length = 1; ; length++) {
    const total = FIRST.length * REST.length ** (length - 1);
    for (let n = 0; n < total; n++) {
      let x = n;
      let name = FIRST[x % FIRST.length] as string;
      x = Math.floor(x / FIRST.length);
      for (let i = 1; i < length; i++) {
        name += REST[x % REST.length];
        x = Math.floor(x / REST.length);
      }
      if (!KEYWORDS.has(name)) yield name;
    }
  }
}

const generated = shortNames();
const names: string[] = [];
/** The n-th short name (shortest first), generated once per process. */
function nameAt(n: number): string {
  while (names.length <= n) names.push(generated.next().value as string);
  return names[n] as string;
}

/** First index in a sorted array whose value is >= x. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bindings that already hold one name, kept so a clash test costs a binary search, not a
 * scan of every holder: the offsets where a holder occurs, sorted, and the union of the
 * ranges where a holder is visible, as sorted disjoint spans (starts[i]..ends[i]).
 */
class NameHolders {
  private readonly occurs: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** True when `binding` could meet a holder: one occurs where the other is visible. */
  clashes(binding: Binding, occurrences: readonly number[]): boolean {
    const first = lowerBound(this.occurs, binding.visibleFrom);
    if (first < this.occurs.length && (this.occurs[first] as number) <= binding.visibleTo) return true;
    return occurrences.some((o) => this.visibleAt(o));
  }

  add(binding: Binding, occurrences: readonly number[]): void {
    for (const o of occurrences) this.occurs.splice(lowerBound(this.occurs, o), 0, o);
    if (binding.visibleFrom <= binding.visibleTo) this.addSpan(binding.visibleFrom, binding.visibleTo);
  }

  private visibleAt(offset: number): boolean {
    const i = lowerBound(this.starts, offset + 1) - 1; // the last span starting at or before offset
    return i >= 0 && (this.ends[i] as number) >= offset;
  }

  private addSpan(from: number, to: number): void {
    let i = lowerBound(this.starts, from);
    if (i > 0 && (this.ends[i - 1] as number) >= from) i--; // the span before reaches into this one
    let j = i;
    let start = from;
    let end = to;
    while (j < this.starts.length && (this.starts[j] as number) <= end) {
      start = Math.min(start, this.starts[j] as number);
      end = Math.max(end, this.ends[j] as number);
      j++;
    }
    this.starts.splice(i, j - i, start);
    this.ends.splice(i, j - i, end);
  }
}

const identifiersOf = (b: Binding): L.Identifier[] => [...(b.decl ? [b.decl] : []), ...b.reads, ...b.writes];

/** The new name of every identifier node of a renamed binding. */
export function renameLocals(scopes: Scopes): Map<L.Identifier, string> {
  const avoid = new Set<string>(scopes.globals.map((g) => g.node.name));
  avoid.add('self');
  avoid.add('arg'); // the implicit table of Lua 5.1 vararg functions
  const renamable = scopes.bindings.filter((b) => b.kind !== 'self' && b.decl);
  const order = [...renamable].sort((a, b) => {
    const d = b.reads.length + b.writes.length - (a.reads.length + a.writes.length);
    return d || (rangeOf(a.decl as L.Identifier)[0] - rangeOf(b.decl as L.Identifier)[0]);
  });
  const byName = new Map<string, NameHolders>();
  const out = new Map<L.Identifier, string>();
  for (const binding of order) {
    const occurrences = identifiersOf(binding).map((id) => rangeOf(id)[0]);
    for (let n = 0; ; n++) {
      const candidate = nameAt(n);
      if (avoid.has(candidate)) continue;
      let holders = byName.get(candidate);
      if (holders?.clashes(binding, occurrences)) continue;
      if (!holders) byName.set(candidate, (holders = new NameHolders()));
      holders.add(binding, occurrences);
      for (const id of identifiersOf(binding)) out.set(id, candidate);
      break;
    }
  }
  return out;
}
