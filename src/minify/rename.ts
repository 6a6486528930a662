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

/** The new name of every identifier node of a renamed binding. */
export function renameLocals(scopes: Scopes): Map<L.Identifier, string> {
  const avoid = new Set<string>(scopes.globals.map((g) => g.node.name));
  avoid.add('self');
  avoid.add('arg'); // the implicit table of Lua 5.1 vararg functions
  const occurrences = (b: Binding): number[] =>
    [...(b.decl ? [b.decl] : []), ...b.reads, ...b.writes].map((id) => rangeOf(id)[0]);
  const renamable = scopes.bindings.filter((b) => b.kind !== 'self' && b.decl);
  const order = [...renamable].sort((a, b) => {
    const d = b.reads.length + b.writes.length - (a.reads.length + a.writes.length);
    return d || (rangeOf(a.decl as L.Identifier)[0] - rangeOf(b.decl as L.Identifier)[0]);
  });
  const byName = new Map<string, Binding[]>();
  const assigned = new Map<Binding, string>();
  const clash = (a: Binding, b: Binding): boolean => {
    const inside = (x: Binding, offsets: number[]) => offsets.some((o) => o >= x.visibleFrom && o <= x.visibleTo);
    return inside(a, occurrences(b)) || inside(b, occurrences(a));
  };
  for (const binding of order) {
    for (const candidate of shortNames()) {
      if (avoid.has(candidate)) continue;
      const holders = byName.get(candidate) ?? [];
      if (holders.some((h) => clash(h, binding))) continue;
      holders.push(binding);
      byName.set(candidate, holders);
      assigned.set(binding, candidate);
      break;
    }
  }
  const out = new Map<L.Identifier, string>();
  for (const [binding, name] of assigned) {
    for (const id of [...(binding.decl ? [binding.decl] : []), ...binding.reads, ...binding.writes]) out.set(id, name);
  }
  return out;
}
