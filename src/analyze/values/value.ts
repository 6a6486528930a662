// The values the analysis tracks (SPEC 2.1): where a value may come from (a KEYS element, a
// key derived from one or from an ARGV prefix, a literal, ARGV, a command reply...), sets of
// them, and lists of them (what a call or `...` yields). Pure data and small helpers.

import type * as L from 'luaparse';
import type { Node } from '../../parse/parse-lua.js';
import { rangeOf } from '../../parse/parse-lua.js';

export interface TableObject {
  id: number;
  /** The constructor; 'KEYS' / 'ARGV' for the tables Redis provides; 'arg' for a vararg function's `arg`. */
  origin: L.TableConstructorExpression | 'KEYS' | 'ARGV' | 'arg';
  /** Values stored under numeric or run-time keys (and the array part). */
  elements: ValueSet;
  /** Values stored under string names known at build time (`t.name`, `{ name = v }`). */
  fields: Map<string, ValueSet>;
  /** Values given to setmetatable(t, mt): a missing field is looked up through their __index. */
  metatables: ValueSet;
  /**
   * A constructor's positions 1..n (`{'hmset', key}`) and what was appended after them, while
   * nothing but appends (`table.insert(t, v)`, `t[#t + 1] = v`) stored an element: then
   * `unpack(t)` gives exactly these first. Undefined for other tables and once broken.
   */
  positions?: { head: ValueSet[]; tail: ValueSet };
}

export type Value =
  | { kind: 'key'; index: number | 'any'; at: Node }
  /** A name built from a declared key (base 'key') or from an ARGV prefix (base 'arg'), with no `{` before it. */
  | { kind: 'derived'; base: 'key' | 'arg'; index: number | 'any'; at: Node }
  | { kind: 'literal'; text: string; at: Node }
  | { kind: 'argv'; index: number | 'any'; at: Node }
  | { kind: 'reply'; command: string; at: Node }
  | { kind: 'string'; note: string; at: Node }
  /**
   * fractional: may carry a fraction (a float literal, `/`, `^`, a float command's reply...).
   * spelling: the literal as written (`42`), so 'user:' .. 42 is the literal 'user:42'.
   */
  | { kind: 'number'; fractional: boolean; at: Node; spelling?: string }
  | { kind: 'boolean'; value: boolean | undefined; at: Node }
  | { kind: 'nil'; at: Node }
  | { kind: 'status'; at: Node }
  | { kind: 'error'; at: Node }
  | { kind: 'table'; table: TableObject }
  | { kind: 'function'; fn: L.FunctionDeclaration }
  | { kind: 'builtin'; name: string }
  | { kind: 'unknown'; note: string; at: Node };

/**
 * A value's identity in a set. Values are told apart by what rules and messages need: a KEYS
 * element by where it is read (each read site is a key the caller passes), the others by
 * their kind and content; the first place seen stands for the rest. So `n = n + 1` or
 * `s = s .. 'x'` a thousand times gives one value, not a thousand.
 */
function valueId(v: Value): string {
  switch (v.kind) {
    case 'table':
      return `table:${v.table.id}`;
    case 'function':
      return `fn:${rangeOf(v.fn)[0]}`;
    case 'builtin':
      return `builtin:${v.name}`;
    case 'key':
      return `key:${v.index}:${rangeOf(v.at)[0]}`;
    case 'derived':
      return `derived:${v.base}:${v.index}`;
    case 'literal':
      return `literal:${v.text}`;
    case 'reply':
      return `reply:${v.command}`;
    case 'number':
      return `number:${v.fractional}:${v.spelling ?? ''}`;
    case 'argv':
      return `argv:${v.index}`;
    case 'boolean':
      return `boolean:${v.value}`;
    case 'nil':
    case 'status':
    case 'error':
      return v.kind;
    case 'string':
    case 'unknown':
      return `${v.kind}:${v.note}`;
  }
}

/**
 * Past this many literal strings or spelled numbers, a set holds them as one run-time string
 * or number: a thousand-way `if` assigning literals stays linear, and a key from such a set
 * is still not a KEYS value.
 */
const MAX_LITERALS = 64;

function widened(v: Value): Value {
  if (v.kind === 'literal') return { kind: 'string', note: 'one of many literal strings', at: v.at };
  if (v.kind === 'number') return { kind: 'number', fractional: v.fractional, at: v.at };
  return v;
}

export class ValueSet {
  private readonly map = new Map<string, Value>();
  /** Literal strings and spelled numbers held (see MAX_LITERALS). */
  private literals = 0;
  constructor(values: Iterable<Value> = []) {
    this.addAll(values);
  }
  /** Adds values; true when the set grew. */
  addAll(values: Iterable<Value>): boolean {
    let grew = false;
    for (const given of values) {
      let id = valueId(given);
      if (this.map.has(id)) continue;
      const literal = given.kind === 'literal' || (given.kind === 'number' && given.spelling !== undefined);
      const v = literal && this.literals >= MAX_LITERALS ? widened(given) : given;
      if (v !== given) {
        id = valueId(v);
        if (this.map.has(id)) continue;
      } else if (literal) this.literals++;
      this.map.set(id, v);
      grew = true;
    }
    return grew;
  }
  get size(): number {
    return this.map.size;
  }
  [Symbol.iterator](): Iterator<Value> {
    return this.map.values();
  }
  values(): Value[] {
    return [...this.map.values()];
  }
  some(p: (v: Value) => boolean): boolean {
    for (const v of this.map.values()) if (p(v)) return true;
    return false;
  }
  filter(p: (v: Value) => boolean): ValueSet {
    return new ValueSet(this.values().filter(p));
  }
}

/** Values of an argument or expression list: fixed positions, then any number of `rest` values. */
export interface ValueList {
  fixed: ValueSet[];
  rest?: ValueSet;
}

export const one = (v: Value): ValueSet => new ValueSet([v]);
export const nil = (at: Node): ValueSet => one({ kind: 'nil', at });
export const unknown = (at: Node, note: string): ValueSet => one({ kind: 'unknown', note, at });

export function union(...sets: Array<ValueSet | undefined>): ValueSet {
  const s = new ValueSet();
  for (const x of sets) if (x) s.addAll(x);
  return s;
}

export const firstOf = (list: ValueList, at: Node): ValueSet => list.fixed[0] ?? list.rest ?? nil(at);

/** The value at position i: past the fixed positions it comes from the rest of the list, or is nil. */
export const nth = (list: ValueList, i: number, at: Node): ValueSet =>
  list.fixed[i] ?? (list.rest && list.rest.size ? union(list.rest, nil(at)) : nil(at));

export const allOf = (list: ValueList): ValueSet => union(...list.fixed, list.rest);

/** A list that collects several lists (a function's returns, its varargs over all calls). */
export interface ListAccumulator extends ValueList {
  /** Some list was merged in: a position past `fixed` may then be nil or a rest value. */
  merged: boolean;
}

export const emptyAccumulator = (): ListAccumulator => ({ fixed: [], merged: false });

/**
 * Merges `list` into `acc`, position by position, as Lua fills them: past its fixed part a
 * list gives a rest value or nil, so a shorter list adds those to the longer one's positions.
 * `add` adds values to a set (the analysis notes growth); returns true when positions were added.
 */
export function mergeInto(acc: ListAccumulator, list: ValueList, at: Node, add: (set: ValueSet, values: ValueSet) => void): boolean {
  const tail = acc.merged ? nth(acc, acc.fixed.length, at) : undefined;
  const added = list.fixed.length > acc.fixed.length;
  while (acc.fixed.length < list.fixed.length) acc.fixed.push(new ValueSet(tail?.values()));
  acc.fixed.forEach((set, i) => add(set, nth(list, i, at)));
  if (list.rest) add((acc.rest ??= new ValueSet()), list.rest);
  acc.merged = true;
  return added;
}

export const isStringish = (v: Value): boolean =>
  v.kind === 'key' || v.kind === 'derived' || v.kind === 'literal' || v.kind === 'argv' || v.kind === 'string';

/** The Lua types a value may have at run time, as guards see them (false and true apart). */
export type Facet = 'nil' | 'false' | 'true' | 'number' | 'string' | 'table' | 'function';
export const ALL_FACETS: readonly Facet[] = ['nil', 'false', 'true', 'number', 'string', 'table', 'function'];

export function facetsOf(v: Value): readonly Facet[] {
  switch (v.kind) {
    case 'key':
    case 'derived':
    case 'literal':
    case 'argv':
    case 'string':
      return ['string'];
    case 'number':
      return ['number'];
    case 'boolean':
      return v.value === undefined ? ['true', 'false'] : [v.value ? 'true' : 'false'];
    case 'nil':
      return ['nil'];
    case 'status':
    case 'error':
    case 'table':
      return ['table'];
    case 'function':
      return ['function'];
    case 'builtin':
      return ['table', 'function'];
    case 'reply':
      // RESP2 to Lua: integer -> number, bulk -> string, nil bulk -> false, arrays and
      // status/error replies -> tables (true only after redis.setresp(3)).
      return ['number', 'string', 'false', 'true', 'table'];
    case 'unknown':
      return ALL_FACETS;
  }
}

/**
 * What `v` can be when a guard lets through only the `allowed` types: nothing, itself, or a
 * sharper value (a boolean known falsy is false; an unknown value known falsy is nil or false).
 */
export function refine(v: Value, allowed: ReadonlySet<Facet>): Value[] {
  const facets = facetsOf(v);
  const kept = facets.filter((f) => allowed.has(f));
  if (kept.length === 0) return [];
  if (kept.length === facets.length) return [v];
  const at = 'at' in v ? v.at : undefined;
  if (v.kind === 'boolean' && kept.length === 1) return [{ kind: 'boolean', value: kept[0] === 'true', at: v.at }];
  if ((v.kind === 'unknown' || v.kind === 'reply') && at && kept.every((f) => f === 'nil' || f === 'false')) {
    return kept.map((f): Value => (f === 'nil' ? { kind: 'nil', at } : { kind: 'boolean', value: false, at }));
  }
  return [v];
}

/** The values of `set` a guard lets through, each refined. */
export function refineSet(set: ValueSet, allowed: ReadonlySet<Facet>): ValueSet {
  return new ValueSet(set.values().flatMap((v) => refine(v, allowed)));
}

/** The value in the user's terms; `line(n)` names where a node is ("line 7", or a file and line). */
export function describeValue(v: Value, line: (n: Node) => string): string {
  switch (v.kind) {
    case 'key':
      return `KEYS[${v.index === 'any' ? 'i' : v.index}]`;
    case 'derived':
      return v.base === 'key'
        ? `a key built from KEYS[${v.index === 'any' ? 'i' : v.index}] (${line(v.at)})`
        : `a name built from ARGV (${line(v.at)})`;
    case 'literal':
      return `the literal ${JSON.stringify(v.text)} (${line(v.at)})`;
    case 'argv':
      return `an ARGV value (${line(v.at)})`;
    case 'reply':
      return `the reply of ${v.command === '?' ? 'a command' : v.command.toUpperCase()} (${line(v.at)})`;
    case 'string':
      return `${v.note} (${line(v.at)})`;
    case 'number':
      return `a number (${line(v.at)})`;
    case 'boolean':
      return `a boolean (${line(v.at)})`;
    case 'nil':
      return `nil (${line(v.at)})`;
    case 'status':
    case 'error':
      return `a ${v.kind} reply table (${line(v.at)})`;
    case 'table':
      return 'a table';
    case 'function':
      return 'a function';
    case 'builtin':
      return v.name;
    case 'unknown':
      return `${v.note} (${line(v.at)})`;
  }
}
