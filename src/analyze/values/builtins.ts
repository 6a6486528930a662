// Sandbox builtins: one small handler per function the analysis models (redis.call, pcall,
// error, assert, unpack, setmetatable, coroutine.*, string.format...). A builtin without a
// handler lets every function it is given escape and yields an unknown value (a number or
// a string for the math and string libraries).

import type * as L from 'luaparse';
import { rangeOf } from '../../parse/parse-lua.js';
import type { ValueAnalysis } from './analysis.js';
import { callEach, escapeAll, flagged, type CallNode } from './calls.js';
import { libraryMember, readTable, derivedFrom } from './expressions.js';
import { TRUTHY, type Flow } from './flow.js';
import { allOf, facetsOf, nil, nth, one, refineSet, union, unknown, ValueSet, isStringish, type Value, type ValueList } from './value.js';

export interface BuiltinCall {
  a: ValueAnalysis;
  name: string;
  e: CallNode;
  flow: Flow;
  /** The arguments as written (the object first, for a method call). */
  nodes: L.Expression[];
  /** Their values (the object first, for a method call). */
  given: ValueList;
  /** `given` with at least three positions: what a call or `...` last in the list may fill. */
  full: ValueList;
}

type Builtin = (c: BuiltinCall) => ValueList;

/** Commands whose replies are floats printed as strings. */
const FLOAT_REPLIES = new Set(['zscore', 'zincrby', 'incrbyfloat', 'hincrbyfloat', 'zmscore', 'geodist']);

export function callBuiltin(a: ValueAnalysis, name: string, e: CallNode, argNodes: L.Expression[], args: ValueList, self: ValueSet | undefined, flow: Flow): ValueList {
  const given: ValueList = self ? { fixed: [self, ...args.fixed], rest: args.rest } : args;
  // Positional arguments: a call or unpack last in the list fills the positions it may reach.
  const positions = Math.max(given.fixed.length, 3);
  const full: ValueList = { fixed: Array.from({ length: positions }, (_, k) => nth(given, k, e)), rest: given.rest };
  if (given.fixed.length < positions && !given.rest) full.fixed.length = given.fixed.length;
  const nodes = self ? [(e.base as L.MemberExpression).base, ...argNodes] : argNodes;
  if (a.once(`${name}@${rangeOf(e)[0]}:${rangeOf(e)[1]}`)) a.facts.builtinCalls.push({ node: e, callee: name, argNodes: nodes, args: full });
  const handler = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
  return (handler ?? otherBuiltin)({ a, name, e, flow, nodes, given, full });
}

const str = (c: BuiltinCall, note: string): ValueList => ({ fixed: [one({ kind: 'string', note, at: c.e })] });
const num = (c: BuiltinCall, fractional: boolean): ValueList => ({ fixed: [one({ kind: 'number', fractional, at: c.e })] });
const arg = (c: BuiltinCall, i: number): ValueSet => c.full.fixed[i] ?? new ValueSet();
const opaque = (c: BuiltinCall): ValueList => {
  escapeAll(c.a, c.full);
  return { fixed: [unknown(c.e, `the result of ${c.name}`)], rest: unknown(c.e, `the results of ${c.name}`) };
};

function redisCall(c: BuiltinCall): ValueList {
  // The command table resolves positions itself: keep the list as written.
  if (c.a.once(`redis@${rangeOf(c.e)[0]}:${rangeOf(c.e)[1]}:${c.nodes.length}`)) {
    c.a.facts.redisCalls.push({ node: c.e, protected: c.name === 'redis.pcall', argNodes: c.nodes, args: c.given });
  }
  const names = (c.given.fixed[0]?.values() ?? []).filter((v): v is Extract<Value, { kind: 'literal' }> => v.kind === 'literal').map((v) => v.text.toLowerCase());
  const out = new ValueSet(names.map((command) => ({ kind: 'reply' as const, command, at: c.e })));
  if (!names.length) out.addAll([{ kind: 'reply', command: '?', at: c.e }]);
  if (c.name === 'redis.pcall') out.addAll([{ kind: 'error', at: c.e }]);
  return { fixed: [out] };
}

function protectedCall(c: BuiltinCall): ValueList {
  // pcall(f, ...) calls f with the remaining args; xpcall(f, handler) calls f with none.
  const args: ValueList = c.name === 'pcall' ? { fixed: c.given.fixed.slice(1), rest: c.given.rest } : { fixed: [] };
  if (c.name === 'xpcall') c.a.escape(arg(c, 1));
  const inner = callEach(c.a, arg(c, 0), args, c.e, c.nodes.slice(1), c.flow);
  return flagged(c.e, union(inner, one({ kind: 'string', note: 'an error message', at: c.e })));
}

function setmetatable(c: BuiltinCall): ValueList {
  // Lua calls metamethods (__index, __call, __add...) itself, with arguments the analysis does
  // not follow; other fields of the metatable are ordinary functions.
  for (const mt of arg(c, 1)) {
    if (mt.kind !== 'table') continue;
    c.a.escape(mt.table.elements);
    for (const [name, s] of mt.table.fields) if (name.startsWith('__')) c.a.escape(s);
  }
  for (const t of arg(c, 0)) if (t.kind === 'table') c.a.add(t.table.metatables, arg(c, 1));
  return { fixed: [arg(c, 0)] };
}

function format(c: BuiltinCall): ValueList {
  // string.format('prefix:%s...', KEYS[1], ...): derived when the first conversion takes a key or an ARGV prefix.
  const out = new ValueSet();
  const fmt = arg(c, 0).values();
  for (const f of fmt) {
    const m = f.kind === 'literal' ? /^((?:[^%]|%%)*)%(.)/.exec(f.text) : null;
    const first = c.full.fixed[1];
    for (const v of first ?? []) {
      const derived = m && m[2] === 's' ? derivedFrom(v, !(m[1] as string).includes('{'), c.e) : undefined;
      out.addAll([derived ?? { kind: 'string', note: 'a name built with string.format', at: c.e }]);
    }
    if (!first) out.addAll([f.kind === 'literal' ? { kind: 'literal', text: f.text, at: c.e } : { kind: 'string', note: 'string.format', at: c.e }]);
  }
  if (!fmt.length) out.addAll([{ kind: 'string', note: 'string.format', at: c.e }]);
  return { fixed: [out] };
}

function tableStore(c: BuiltinCall): ValueList {
  // table.insert(t, v) or table.insert(t, pos, v): the value is the last argument.
  const g = c.given;
  const value = c.name === 'rawset' ? nth(g, 2, c.e) : g.fixed.length >= 3 ? union(g.fixed[2], g.rest) : union(nth(g, 1, c.e), g.rest);
  const keyNode = c.nodes[1];
  const name = c.name === 'rawset' && keyNode?.type === 'StringLiteral' ? keyNode.value : undefined;
  const append = c.name === 'table.insert' && g.fixed.length === 2 && !g.rest;
  for (const t of arg(c, 0)) {
    if (t.kind !== 'table') continue;
    if (name !== undefined) c.a.add(c.a.field(t.table, name), value);
    else if (append) c.a.appendElement(t.table, value);
    else c.a.storeElement(t.table, value);
  }
  return { fixed: [] };
}

/** unpack(t) of one table whose positions are known: them first, then what was appended. */
function unpackPositions(c: BuiltinCall): ValueList | undefined {
  const tables = arg(c, 0).values();
  const t = tables.length === 1 && tables[0]?.kind === 'table' ? tables[0].table : undefined;
  if (!t?.positions || c.given.fixed.length !== 1 || c.given.rest) return undefined;
  if (t.positions.head.some((s) => s.some((v) => facetsOf(v).includes('nil')))) return undefined;
  return { fixed: t.positions.head.map((s) => new ValueSet(s.values())), rest: new ValueSet(t.positions.tail.values()) };
}

function rawget(c: BuiltinCall): ValueList {
  const keyNode = c.nodes[1];
  const name = keyNode?.type === 'StringLiteral' ? keyNode.value : undefined;
  const out = new ValueSet();
  for (const t of arg(c, 0)) {
    if (t.kind === 'table') out.addAll(union(name === undefined ? union(t.table.elements, ...t.table.fields.values()) : union(t.table.fields.get(name), t.table.elements), nil(c.e)));
    else if (t.kind === 'builtin') out.addAll(libraryMember(c.a, t.name, name, c.e));
    else out.addAll(unknown(c.e, 'rawget'));
  }
  return { fixed: [out] };
}

function tonumber(c: BuiltinCall): ValueList {
  // tonumber() of a `number` arg or of a float command's reply (ZSCORE, INCRBYFLOAT...) may
  // carry a fraction; of anything else it is taken as an integer.
  const fractional = arg(c, 0).some(
    (v) => (v.kind === 'reply' && FLOAT_REPLIES.has(v.command)) || (v.kind === 'argv' && c.a.options.fractionalArg(v.index)) || (v.kind === 'number' && v.fractional),
  );
  return { fixed: [new ValueSet([{ kind: 'number', fractional, at: c.e }, { kind: 'nil', at: c.e }])] };
}

const BUILTINS: Record<string, Builtin> = {
  'redis.call': redisCall,
  'redis.pcall': redisCall,
  pcall: protectedCall,
  xpcall: protectedCall,
  // error() never returns: `KEYS[1] or error('...')` is KEYS[1].
  error: () => ({ fixed: [new ValueSet()] }),
  // assert(v, ...) returns its arguments when v is truthy, and does not return otherwise.
  assert: (c) => ({ fixed: [refineSet(arg(c, 0), new Set(TRUTHY)), ...c.full.fixed.slice(1)], rest: c.full.rest }),
  'coroutine.wrap': coroutine,
  'coroutine.create': coroutine,
  'coroutine.resume': (c) => {
    const inner = callEach(c.a, arg(c, 0), { fixed: c.given.fixed.slice(1), rest: c.given.rest }, c.e, c.nodes.slice(1), c.flow);
    for (const f of arg(c, 0)) if (f.kind === 'function') c.a.add(c.a.resumed, allOf({ fixed: c.given.fixed.slice(1), rest: c.given.rest }));
    return flagged(c.e, union(inner, c.a.yielded));
  },
  'coroutine.yield': (c) => {
    c.a.add(c.a.yielded, allOf(c.given));
    return { fixed: [], rest: union(c.a.resumed, nil(c.e)) };
  },
  unpack: (c) => {
    const known = unpackPositions(c);
    if (known) return known;
    const out = new ValueSet();
    for (const t of arg(c, 0)) out.addAll(t.kind === 'table' ? readTable(c.a, t.table, { index: undefined }, c.e) : unknown(c.e, 'unpack of a value the analysis does not follow'));
    return { fixed: [], rest: out };
  },
  tostring: (c) => ({ fixed: [new ValueSet(arg(c, 0).values().map((v) => (isStringish(v) ? v : { kind: 'string', note: 'tostring of a non-string', at: c.e })))] }),
  tonumber,
  type: (c) => str(c, 'a type name'),
  select: (c) => ({ fixed: [], rest: union(c.full.rest, ...c.full.fixed.slice(1), one({ kind: 'number', fractional: false, at: c.e })) }),
  setmetatable,
  getmetatable: (c) => ({ fixed: [union(nil(c.e), ...arg(c, 0).values().map((t) => (t.kind === 'table' ? t.table.metatables : unknown(c.e, 'getmetatable'))))] }),
  rawget,
  rawset: tableStore,
  'table.insert': tableStore,
  'table.remove': (c) => {
    for (const t of arg(c, 0)) if (t.kind === 'table') c.a.breakPositions(t.table);
    return { fixed: [new ValueSet(arg(c, 0).values().flatMap((t) => (t.kind === 'table' ? readTable(c.a, t.table, { index: undefined }, c.e).values() : unknown(c.e, 'table.remove').values())))] };
  },
  'table.sort': (c) => {
    for (const t of arg(c, 0)) if (t.kind === 'table') c.a.breakPositions(t.table);
    c.a.escape(arg(c, 1));
    return { fixed: [] };
  },
  'string.format': format,
  'redis.status_reply': (c) => ({ fixed: [one({ kind: 'status', at: c.e })] }),
  'redis.error_reply': (c) => ({ fixed: [one({ kind: 'error', at: c.e })] }),
  'math.floor': (c) => num(c, false),
  'math.ceil': (c) => num(c, false),
  'string.len': (c) => num(c, false),
  'string.byte': (c) => num(c, false),
  'table.getn': (c) => num(c, false),
  'table.maxn': (c) => num(c, false),
  gcinfo: (c) => num(c, false),
  'math.random': (c) => num(c, c.full.fixed.length === 0),
  'math.abs': (c) => num(c, allOf(c.full).some((v) => v.kind === 'number' && v.fractional)),
  'math.max': (c) => num(c, allOf(c.full).some((v) => v.kind === 'number' && v.fractional)),
  'math.min': (c) => num(c, allOf(c.full).some((v) => v.kind === 'number' && v.fractional)),
  'math.fmod': (c) => num(c, allOf(c.full).some((v) => v.kind === 'number' && v.fractional)),
  'string.find': (c) => ({ fixed: [new ValueSet([{ kind: 'number', fractional: false, at: c.e }, { kind: 'nil', at: c.e }])], rest: one({ kind: 'number', fractional: false, at: c.e }) }),
  'string.match': (c) => {
    const match = (): ValueSet => new ValueSet([{ kind: 'string', note: 'a match', at: c.e }, { kind: 'nil', at: c.e }]);
    return { fixed: [match()], rest: match() };
  },
  next: opaque,
  ipairs: opaque,
  pairs: opaque,
  'string.gmatch': opaque,
  loadstring: opaque,
  load: opaque,
  'cjson.decode': opaque,
  'cmsgpack.unpack': opaque,
  'struct.unpack': opaque,
};

/** coroutine.wrap(f) / coroutine.create(f): the coroutine is f, whose calls also yield what it yields. */
function coroutine(c: BuiltinCall): ValueList {
  for (const f of arg(c, 0)) {
    if (f.kind !== 'function') continue;
    const st = c.a.fnState(f.fn);
    if (!st.coroutine) {
      st.coroutine = true;
      c.a.grew = true;
    }
  }
  return { fixed: [c.full.fixed[0] ?? unknown(c.e, c.name)] };
}

function otherBuiltin(c: BuiltinCall): ValueList {
  escapeAll(c.a, c.full);
  const { name } = c;
  if (name.startsWith('math.') || name.startsWith('bit.')) return num(c, name.startsWith('math.'));
  if (name.startsWith('string.') || name.startsWith('cjson.') || name.startsWith('cmsgpack.') || name.startsWith('struct.') || name === 'redis.sha1hex' || name === 'table.concat') {
    return str(c, `the result of ${name}`);
  }
  return { fixed: [unknown(c.e, `the result of ${name}`)] };
}
