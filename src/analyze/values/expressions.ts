// Expressions: one handler per node kind, each a function of the analysis, the node and the
// flow (the guards that hold where the expression is evaluated). evaluate() gives the list
// of values an expression yields (many for a call or `...`), single() the first one.

import type * as L from 'luaparse';
import type { Node } from '../../parse/parse-lua.js';
import { SANDBOX } from '../data/index.js';
import type { ValueAnalysis } from './analysis.js';
import { call } from './calls.js';
import { condition } from './conditions.js';
import { narrowed, type Flow } from './flow.js';
import { functionBody, returnsAtCall } from './statements.js';
import { allOf, firstOf, isStringish, nil, one, union, unknown, ValueSet, type TableObject, type Value, type ValueList } from './value.js';

type Handlers = { [K in L.Expression['type']]: (a: ValueAnalysis, e: Extract<L.Expression, { type: K }>, flow: Flow) => ValueList };

export function evaluate(a: ValueAnalysis, e: L.Expression, flow: Flow): ValueList {
  const handler = HANDLERS[e.type] as (a: ValueAnalysis, e: L.Expression, flow: Flow) => ValueList;
  const list = handler ? handler(a, e, flow) : { fixed: [unknown(e, 'an expression the analysis does not follow')] };
  a.record(e, firstOf(list, e));
  return list;
}

export function single(a: ValueAnalysis, e: L.Expression, flow: Flow): ValueSet {
  return firstOf(evaluate(a, e, flow), e);
}

const HANDLERS: Handlers = {
  StringLiteral: (_a, e) => ({ fixed: [one({ kind: 'literal', text: e.value, at: e })] }),
  NumericLiteral: (_a, e) => ({ fixed: [one({ kind: 'number', fractional: !Number.isInteger(e.value), at: e, spelling: e.raw })] }),
  BooleanLiteral: (_a, e) => ({ fixed: [one({ kind: 'boolean', value: e.value, at: e })] }),
  NilLiteral: (_a, e) => ({ fixed: [nil(e)] }),
  VarargLiteral: (a, e) => {
    const fn = a.varargOwner.get(e);
    return fn ? a.fnState(fn).varargs : { fixed: [] }; // the main chunk of a Redis script gets no varargs
  },
  Identifier: identifier,
  FunctionDeclaration: (a, e) => {
    // The body of a function expression is analyzed where the expression is.
    functionBody(a, e);
    return { fixed: [one({ kind: 'function', fn: e })] };
  },
  TableConstructorExpression: tableConstructor,
  MemberExpression: (a, e, flow) => ({ fixed: [member(a, e, flow)] }),
  IndexExpression: (a, e, flow) => ({ fixed: [member(a, e, flow)] }),
  CallExpression: call,
  StringCallExpression: call,
  TableCallExpression: call,
  BinaryExpression: binary,
  LogicalExpression: (a, e, flow) => ({ fixed: [condition(a, e, flow).values] }),
  UnaryExpression: (a, e, flow) => {
    const operand = single(a, e.argument, flow);
    if (e.operator === 'not') return { fixed: [one({ kind: 'boolean', value: undefined, at: e })] };
    const fractional = e.operator === '-' && operand.some((v) => v.kind === 'number' && v.fractional);
    return { fixed: [one({ kind: 'number', fractional, at: e })] };
  },
};

function identifier(a: ValueAnalysis, e: L.Identifier, flow: Flow): ValueList {
  const b = a.scopes.resolve.get(e);
  if (b) return { fixed: [narrowed(flow, b, a.valuesOfBinding(b))] };
  const assigned = a.globalValuesOf(e.name);
  if (e.name === 'KEYS') return { fixed: [union(one({ kind: 'table', table: a.KEYS }), assigned)] };
  if (e.name === 'ARGV') return { fixed: [union(one({ kind: 'table', table: a.ARGV }), assigned)] };
  if (Object.prototype.hasOwnProperty.call(SANDBOX.globals, e.name)) return { fixed: [union(one({ kind: 'builtin', name: e.name }), assigned)] };
  const alias = a.options.aliases && Object.hasOwn(a.options.aliases, e.name) ? a.options.aliases[e.name] : undefined;
  if (alias) return { fixed: [union(one({ kind: 'builtin', name: alias }), assigned)] };
  return { fixed: [union(unknown(e, `the global '${e.name}'`), assigned)] };
}

/** A string-keyed field is a named field; any other key (numbers, values known at run time) an element. */
function literalName(a: ValueAnalysis, key: L.Expression, flow: Flow): string | undefined {
  if (key.type === 'StringLiteral') return key.value;
  const values = single(a, key, flow).values();
  return values.length === 1 && values[0]?.kind === 'literal' ? values[0].text : undefined;
}

function tableConstructor(a: ValueAnalysis, e: L.TableConstructorExpression, flow: Flow): ValueList {
  // A call or `...` last in the list contributes all its values.
  const table = a.tableFor(e);
  let position = 0;
  e.fields.forEach((f, i) => {
    if (f.type === 'TableKeyString') a.add(a.field(table, f.key.name), single(a, f.value, flow));
    else if (f.type === 'TableKey') {
      const name = literalName(a, f.key, flow);
      if (name === undefined) a.storeElement(table, single(a, f.value, flow));
      else a.add(a.field(table, name), single(a, f.value, flow));
    } else if (i === e.fields.length - 1 && MULTI.has(f.value.type)) {
      // A call or `...` last: how many values it gives is not known, so they all go after the head.
      const last = allOf(evaluate(a, f.value, flow));
      a.add(table.elements, last);
      if (table.positions) a.add(table.positions.tail, last);
    } else {
      const value = single(a, f.value, flow);
      a.add(table.elements, value);
      if (table.positions) a.add(headAt(table.positions.head, position++), value);
    }
  });
  return { fixed: [one({ kind: 'table', table })] };
}

/** Expressions that give a list of values (all of them when last in a list). */
const MULTI = new Set(['CallExpression', 'StringCallExpression', 'TableCallExpression', 'VarargLiteral']);

function headAt(head: ValueSet[], k: number): ValueSet {
  head[k] ??= new ValueSet();
  return head[k];
}

/** A key of a table read: a name known at build time, a number, or anything. */
export type TableKey = { name: string } | { index: L.Expression | undefined };

function member(a: ValueAnalysis, e: L.MemberExpression | L.IndexExpression, flow: Flow): ValueSet {
  return memberOf(a, e, single(a, e.base, flow), flow);
}

/** What `e` reads from each of `bases`, the values of its base (evaluated once by the caller: `obj:m()` needs them twice). */
export function memberOf(a: ValueAnalysis, e: L.MemberExpression | L.IndexExpression, bases: ValueSet, flow: Flow): ValueSet {
  const key: TableKey =
    e.type === 'MemberExpression' ? { name: e.identifier.name } : ((n) => (n === undefined ? { index: e.index } : { name: n }))(literalName(a, e.index, flow));
  const out = new ValueSet();
  for (const base of bases) {
    if (base.kind === 'table') out.addAll(readTable(a, base.table, key, e));
    else if (base.kind === 'reply') out.addAll([{ kind: 'reply', command: base.command, at: e }, { kind: 'nil', at: e }]);
    else if (base.kind === 'builtin') out.addAll(libraryMember(a, base.name, 'name' in key ? key.name : undefined, e));
    else if (isStringish(base) && 'name' in key && e.type === 'MemberExpression' && e.indexer === ':') {
      const m = stringMethod(key.name);
      out.addAll(m ? [m] : unknown(e, `string method ${key.name}`));
    } else out.addAll(unknown(e, 'a field of a value the analysis does not follow'));
  }
  return out;
}

/**
 * The values a read of `t[key]` may give: the named field (or, for another key, every
 * element and field), and, where the field may be missing, what the metatables' __index
 * gives (a table's field, a function's return) or nil.
 */
export function readTable(a: ValueAnalysis, t: TableObject, key: TableKey, at: Node, depth = 0): ValueSet {
  if (t.origin === 'KEYS' || t.origin === 'ARGV') return readRedisTable(a, t, key, at);
  const own = 'name' in key ? union(t.fields.get(key.name), t.elements) : union(t.elements, ...(isNumber(key) ? [] : t.fields.values()));
  return union(own, missingField(a, t, key, at, depth));
}

const isNumber = (key: TableKey): boolean => 'index' in key && key.index?.type === 'NumericLiteral';

function missingField(a: ValueAnalysis, t: TableObject, key: TableKey, at: Node, depth: number): ValueSet {
  if (t.metatables.size === 0) return nil(at);
  if (depth > 8) return unknown(at, 'a value from a chain of metatables');
  const out = new ValueSet();
  for (const mt of t.metatables) {
    if (mt.kind !== 'table') {
      out.addAll(mt.kind === 'nil' ? nil(at) : unknown(at, 'a value from a metatable'));
      continue;
    }
    const index = union(mt.table.fields.get('__index'), mt.table.elements);
    if (index.size === 0) out.addAll(nil(at));
    for (const i of index) {
      if (i.kind === 'table') out.addAll(readTable(a, i.table, key, at, depth + 1));
      else if (i.kind === 'function') out.addAll(allOf(returnsAtCall(a, i.fn, at)));
      else if (i.kind === 'nil') out.addAll(nil(at));
      else out.addAll(unknown(at, 'a value from a metatable (__index)'));
    }
  }
  return out;
}

function readRedisTable(a: ValueAnalysis, t: TableObject, key: TableKey, at: Node): ValueSet {
  const index = 'index' in key && key.index?.type === 'NumericLiteral' && Number.isInteger(key.index.value) ? key.index.value : 'any';
  // An arg declared as a union of literals holds one of them (the wrapper refuses anything else).
  const literals = t === a.ARGV && index !== 'any' ? a.options.argLiterals?.(index) : undefined;
  const own: Value[] = literals
    ? literals.map((text): Value => ({ kind: 'literal', text, at }))
    : [t === a.KEYS ? { kind: 'key', index, at } : { kind: 'argv', index, at }];
  // KEYS and ARGV may be written by the script itself (KEYS[1] = ...).
  return union(new ValueSet(own), t.elements, ...t.fields.values());
}

/**
 * A member of a sandbox table: `redis.call`, `_G.redis`, `_G['KEYS']`... With a key not
 * known at build time, any member (so `redis[name](...)` may be redis.call).
 */
export function libraryMember(a: ValueAnalysis, lib: string, key: string | undefined, at: Node): ValueSet {
  const names = lib === '_G' ? Object.keys(SANDBOX.globals) : Object.keys(SANDBOX.libraries[lib] ?? {});
  if (!names.length) return unknown(at, `a field of ${lib}`);
  const chosen = key === undefined ? names : names.includes(key) ? [key] : [];
  const out = new ValueSet(key === undefined || !chosen.length ? unknown(at, key === undefined ? `a member of ${lib}` : `${lib}.${key}`) : []);
  for (const name of chosen) {
    if (lib !== '_G') out.addAll([{ kind: 'builtin', name: `${lib}.${name}` }]);
    else if (name === 'KEYS') out.addAll([{ kind: 'table', table: a.KEYS }]);
    else if (name === 'ARGV') out.addAll([{ kind: 'table', table: a.ARGV }]);
    else out.addAll([{ kind: 'builtin', name }]);
  }
  return out;
}

function stringMethod(name: string): Value | undefined {
  const members = SANDBOX.libraries['string'];
  return members && Object.prototype.hasOwnProperty.call(members, name) ? { kind: 'builtin', name: `string.${name}` } : undefined;
}

function binary(a: ValueAnalysis, e: L.BinaryExpression, flow: Flow): ValueList {
  if (e.operator === '..') return { fixed: [concat(a, e, flow)] };
  const left = single(a, e.left, flow);
  const right = single(a, e.right, flow);
  if (['==', '~=', '<', '>', '<=', '>='].includes(e.operator)) return { fixed: [one({ kind: 'boolean', value: undefined, at: e })] };
  // Arithmetic: / and ^ make fractions; + - * % keep whatever fractions their operands carry.
  const fractionalSide = (s: ValueSet) => s.some((v) => v.kind === 'number' && v.fractional);
  const fractional = e.operator === '/' || e.operator === '^' || fractionalSide(left) || fractionalSide(right);
  return { fixed: [one({ kind: 'number', fractional, at: e })] };
}

/**
 * `a .. b .. c`: when the first part that is not a literal is a declared key, a key derived
 * from one, or an ARGV value, and the literals before it hold no '{', the name is derived
 * from that key or ARGV prefix (it shares its hash tag, if it has one).
 */
function concat(a: ValueAnalysis, e: L.BinaryExpression, flow: Flow): ValueSet {
  const parts: L.Expression[] = [];
  const flatten = (x: L.Expression) => {
    if (x.type === 'BinaryExpression' && x.operator === '..') {
      flatten(x.left);
      flatten(x.right);
    } else parts.push(x);
  };
  flatten(e);
  let prefix = '';
  let prefixKnown = true;
  for (let i = 0; i < parts.length; i++) {
    const values = single(a, parts[i] as L.Expression, flow);
    // Nothing known of a part yet (an early pass, or error()): nothing known of the name.
    if (values.size === 0) {
      for (let j = i + 1; j < parts.length; j++) single(a, parts[j] as L.Expression, flow);
      return new ValueSet();
    }
    const literal = values.values().every((v) => v.kind === 'literal' || (v.kind === 'number' && v.spelling !== undefined));
    if (literal && values.size === 1) {
      const v = values.values()[0] as Value;
      prefix += v.kind === 'literal' ? v.text : v.kind === 'number' ? (v.spelling ?? '0') : '0';
      continue;
    }
    if (literal) {
      prefixKnown = prefixKnown && values.values().every((v) => v.kind !== 'literal' || !v.text.includes('{'));
      prefix += '?';
      continue;
    }
    // The first part that is not a literal decides.
    const untagged = prefixKnown && !prefix.includes('{');
    const out = new ValueSet();
    for (const v of values) out.addAll([derivedFrom(v, untagged, e) ?? { kind: 'string', note: describeConcat(v), at: e }]);
    for (let j = i + 1; j < parts.length; j++) single(a, parts[j] as L.Expression, flow);
    return out;
  }
  return one({ kind: 'literal', text: prefix, at: e });
}

/** The derived name a key or ARGV value makes when it comes first (after literals without '{'). */
export function derivedFrom(v: Value, untaggedPrefix: boolean, at: Node): Value | undefined {
  if (!untaggedPrefix) return undefined;
  if (v.kind === 'key') return { kind: 'derived', base: 'key', index: v.index, at };
  if (v.kind === 'derived') return { kind: 'derived', base: v.base, index: v.index, at };
  if (v.kind === 'argv') return { kind: 'derived', base: 'arg', index: v.index, at };
  return undefined;
}

function describeConcat(v: Value): string {
  if (v.kind === 'key' || v.kind === 'derived') return 'a name with a literal containing "{" before the declared key';
  if (v.kind === 'argv') return 'a name built from ARGV';
  if (v.kind === 'reply') return `a name built from the reply of ${v.command.toUpperCase()}`;
  return 'a name built at run time';
}
