// Value-origin analysis (SPEC 2.1): for every expression, the set of values it may hold and
// where each comes from: a KEYS element, a key derived from one, a literal, ARGV, a command
// reply, another computed string, a number, a table, a function...
// It is flow-insensitive and conservative: a local holds every value ever assigned to it
// anywhere, a parameter every argument of every call, a table every value stored in it
// (KEYS itself included, since scripts may write KEYS[i]). The analysis runs the whole
// program repeatedly until no set grows (a fixpoint), then records the facts rules read.

import type * as L from 'luaparse';
import type { Chunk, Node } from '../parse/parse-lua.js';
import { rangeOf } from '../parse/parse-lua.js';
import type { Binding, FunctionInfo, Scopes } from './scope.js';
import { SANDBOX } from './data/index.js';

export interface TableObject {
  id: number;
  /** The constructor, or 'KEYS' / 'ARGV' for the two tables Redis provides. */
  origin: L.TableConstructorExpression | 'KEYS' | 'ARGV';
  elements: ValueSet;
}

export type Value =
  | { kind: 'key'; index: number | 'any'; at: Node }
  | { kind: 'derived'; index: number | 'any'; at: Node }
  | { kind: 'literal'; text: string; at: Node }
  | { kind: 'argv'; index: number | 'any'; at: Node }
  | { kind: 'reply'; command: string; at: Node }
  | { kind: 'string'; note: string; at: Node }
  /** fractional: may carry a fraction (a float literal, `/`, `^`, a float command's reply...). */
  | { kind: 'number'; fractional: boolean; at: Node }
  | { kind: 'boolean'; value: boolean | undefined; at: Node }
  | { kind: 'nil'; at: Node }
  | { kind: 'status'; at: Node }
  | { kind: 'error'; at: Node }
  | { kind: 'table'; table: TableObject }
  | { kind: 'function'; fn: L.FunctionDeclaration }
  | { kind: 'builtin'; name: string }
  | { kind: 'unknown'; note: string; at: Node };

function valueId(v: Value): string {
  switch (v.kind) {
    case 'table':
      return `table:${v.table.id}`;
    case 'function':
      return `fn:${rangeOf(v.fn)[0]}`;
    case 'builtin':
      return `builtin:${v.name}`;
    case 'key':
    case 'derived':
      return `${v.kind}:${v.index}:${rangeOf(v.at)[0]}`;
    case 'literal':
      return `literal:${v.text}:${rangeOf(v.at)[0]}`;
    case 'reply':
      return `reply:${v.command}:${rangeOf(v.at)[0]}`;
    case 'number':
      return `number:${v.fractional}:${rangeOf(v.at)[0]}`;
    case 'argv':
      return `argv:${v.index}:${rangeOf(v.at)[0]}`;
    case 'boolean':
      return `boolean:${v.value}:${rangeOf(v.at)[0]}`;
    default:
      return `${v.kind}:${rangeOf(v.at)[0]}:${'note' in v ? v.note : ''}`;
  }
}

export class ValueSet {
  private readonly map = new Map<string, Value>();
  constructor(values: Iterable<Value> = []) {
    for (const v of values) this.map.set(valueId(v), v);
  }
  /** Adds values; true when the set grew. */
  addAll(values: Iterable<Value>): boolean {
    let grew = false;
    for (const v of values) {
      const id = valueId(v);
      if (!this.map.has(id)) {
        this.map.set(id, v);
        grew = true;
      }
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
    return this.values().some(p);
  }
}

/** Values of an argument or expression list: fixed positions, then any number of `rest` values. */
export interface ValueList {
  fixed: ValueSet[];
  rest?: ValueSet;
}

export interface RedisCallFact {
  node: L.CallExpression | L.StringCallExpression | L.TableCallExpression;
  protected: boolean;
  /** Syntactic arguments (command name first); for pcall(redis.call, ...) the ones after redis.call. */
  argNodes: L.Expression[];
  args: ValueList;
}

export interface CallFact {
  node: L.CallExpression | L.StringCallExpression | L.TableCallExpression;
  callee: string;
  argNodes: L.Expression[];
  args: ValueList;
}

export interface ReturnFact {
  node: L.ReturnStatement;
  /** Values of each returned expression (the first is what the caller receives). */
  values: ValueSet[];
}

export interface Facts {
  redisCalls: RedisCallFact[];
  /** Calls of sandbox builtins by full name ('error', 'redis.setresp', 'loadstring'...). */
  builtinCalls: CallFact[];
  /** Return statements of the main chunk (what the script replies). */
  returns: ReturnFact[];
  valuesOf(e: L.Expression): ValueSet;
}

const STRING_LIB = 'string';

interface FnState {
  info: FunctionInfo;
  params: ValueSet[];
  varargs: ValueList;
  returns: ValueList;
  escaped: boolean;
}

/** Commands whose replies are floats printed as strings. */
const FLOAT_REPLIES = new Set(['zscore', 'zincrby', 'incrbyfloat', 'hincrbyfloat', 'zmscore', 'geodist']);

export interface ValueOptions {
  /** True when ARGV[index] is declared `number`: tonumber() of it may carry a fraction. */
  fractionalArg(index: number | 'any'): boolean;
}

export function analyzeValues(chunk: Chunk, scopes: Scopes, options: ValueOptions = { fractionalArg: () => false }): Facts {
  let tableCount = 0;
  const tables = new Map<Node | string, TableObject>();
  const tableFor = (origin: TableObject['origin']): TableObject => {
    let t = tables.get(origin);
    if (!t) {
      t = { id: tableCount++, origin, elements: new ValueSet() };
      tables.set(origin, t);
    }
    return t;
  };
  const KEYS = tableFor('KEYS');
  const ARGV = tableFor('ARGV');
  const bindingValues = new Map<Binding, ValueSet>();
  const globalValues = new Map<string, ValueSet>();
  const fnStates = new Map<L.FunctionDeclaration, FnState>();
  for (const [node, info] of scopes.functions) {
    fnStates.set(node, {
      info,
      params: info.params.map(() => new ValueSet()),
      varargs: { fixed: [], rest: new ValueSet() },
      returns: { fixed: [] },
      escaped: false,
    });
  }
  let grew = false;
  const add = (set: ValueSet, values: Iterable<Value>): void => {
    if (set.addAll(values)) grew = true;
  };
  const setOf = (b: Binding): ValueSet => {
    let s = bindingValues.get(b);
    if (!s) {
      s = new ValueSet();
      bindingValues.set(b, s);
    }
    return s;
  };
  const globalSet = (name: string): ValueSet => {
    let s = globalValues.get(name);
    if (!s) {
      s = new ValueSet();
      globalValues.set(name, s);
    }
    return s;
  };
  const paramSet = (st: FnState, b: Binding): ValueSet => st.params[st.info.params.indexOf(b)] as ValueSet;

  // Binding values of parameters live in their function state; every other binding in bindingValues.
  const paramOwner = new Map<Binding, FnState>();
  for (const st of fnStates.values()) for (const p of st.info.params) paramOwner.set(p, st);
  const valuesOfBinding = (b: Binding): ValueSet => {
    const owner = paramOwner.get(b);
    return owner ? paramSet(owner, b) : setOf(b);
  };

  let collecting = false;
  const facts: Facts = { redisCalls: [], builtinCalls: [], returns: [], valuesOf: (e) => single(e) };
  // An expression may be evaluated more than once in a pass: record each fact once.
  const recorded = new Set<unknown>();
  const once = (key: unknown): boolean => {
    if (!collecting || recorded.has(key)) return false;
    recorded.add(key);
    return true;
  };

  const one = (v: Value): ValueSet => new ValueSet([v]);
  const unknown = (at: Node, note: string): ValueSet => one({ kind: 'unknown', note, at });
  const firstOf = (list: ValueList, at: Node): ValueSet => list.fixed[0] ?? list.rest ?? one({ kind: 'nil', at });
  // Past the fixed positions a value comes from the rest of the list, or is nil.
  const nth = (list: ValueList, i: number, at: Node): ValueSet =>
    list.fixed[i] ?? (list.rest && list.rest.size ? union(list.rest, one({ kind: 'nil', at })) : one({ kind: 'nil', at }));
  const union = (...sets: Array<ValueSet | undefined>): ValueSet => {
    const s = new ValueSet();
    for (const x of sets) if (x) s.addAll(x);
    return s;
  };
  const allOf = (list: ValueList): ValueSet => union(...list.fixed, list.rest);

  const isStringish = (v: Value) =>
    v.kind === 'key' || v.kind === 'derived' || v.kind === 'literal' || v.kind === 'argv' || v.kind === 'string';

  function elementsOf(t: TableObject, index: L.Expression | undefined, at: Node): ValueSet {
    if (t.origin === 'KEYS') {
      const literal = index?.type === 'NumericLiteral' && Number.isInteger(index.value) ? index.value : 'any';
      return union(one({ kind: 'key', index: literal, at }), t.elements);
    }
    if (t.origin === 'ARGV') {
      const literal = index?.type === 'NumericLiteral' && Number.isInteger(index.value) ? index.value : 'any';
      return union(one({ kind: 'argv', index: literal, at }), t.elements);
    }
    // A missing element reads as nil.
    return union(t.elements, one({ kind: 'nil', at }));
  }

  /**
   * A member of a sandbox table: `redis.call`, `_G.redis`, `_G['KEYS']`... With a key not
   * known at build time, any member (so `redis[name](...)` may be redis.call).
   */
  function libraryMember(lib: string, key: string | undefined, at: Node): ValueSet {
    const names = lib === '_G' ? Object.keys(SANDBOX.globals) : Object.keys(SANDBOX.libraries[lib] ?? {});
    if (!names.length) return unknown(at, `a field of ${lib}`);
    const chosen = key === undefined ? names : names.includes(key) ? [key] : [];
    const out = new ValueSet(key === undefined || !chosen.length ? unknown(at, key === undefined ? `a member of ${lib}` : `${lib}.${key}`) : []);
    for (const name of chosen) {
      if (lib !== '_G') out.addAll([{ kind: 'builtin', name: `${lib}.${name}` }]);
      else if (name === 'KEYS') out.addAll([{ kind: 'table', table: KEYS }]);
      else if (name === 'ARGV') out.addAll([{ kind: 'table', table: ARGV }]);
      else out.addAll([{ kind: 'builtin', name }]);
    }
    return out;
  }

  /** A builtin value for a member of a library table, or undefined when the member does not exist. */
  function member(lib: string, name: string): Value | undefined {
    const members = SANDBOX.libraries[lib];
    return members && Object.prototype.hasOwnProperty.call(members, name) ? { kind: 'builtin', name: `${lib}.${name}` } : undefined;
  }

  function single(e: L.Expression): ValueSet {
    return firstOf(multi(e), e);
  }

  function multi(e: L.Expression): ValueList {
    switch (e.type) {
      case 'StringLiteral':
        return { fixed: [one({ kind: 'literal', text: e.value, at: e })] };
      case 'NumericLiteral':
        return { fixed: [one({ kind: 'number', fractional: !Number.isInteger(e.value), at: e })] };
      case 'BooleanLiteral':
        return { fixed: [one({ kind: 'boolean', value: e.value, at: e })] };
      case 'NilLiteral':
        return { fixed: [one({ kind: 'nil', at: e })] };
      case 'VarargLiteral': {
        const fn = enclosingFn.get(e);
        if (!fn) return { fixed: [] }; // the main chunk of a Redis script gets no varargs
        const st = fnStates.get(fn) as FnState;
        return st.varargs;
      }
      case 'Identifier': {
        const b = scopes.resolve.get(e);
        if (b) return { fixed: [valuesOfBinding(b)] };
        if (e.name === 'KEYS') return { fixed: [union(one({ kind: 'table', table: KEYS }), globalValues.get('KEYS'))] };
        if (e.name === 'ARGV') return { fixed: [union(one({ kind: 'table', table: ARGV }), globalValues.get('ARGV'))] };
        if (Object.prototype.hasOwnProperty.call(SANDBOX.globals, e.name)) {
          return { fixed: [union(one({ kind: 'builtin', name: e.name }), globalValues.get(e.name))] };
        }
        return { fixed: [union(unknown(e, `the global '${e.name}'`), globalValues.get(e.name))] };
      }
      case 'FunctionDeclaration':
        // The body of a function expression is analyzed where the expression is.
        statements(e.body, e);
        return { fixed: [one({ kind: 'function', fn: e })] };
      case 'TableConstructorExpression': {
        // Every field value is an element (field-insensitive); a call or `...` last in the
        // list contributes all its values.
        const table = tableFor(e);
        e.fields.forEach((f, i) => {
          if (f.type === 'TableKey') single(f.key);
          const last = i === e.fields.length - 1 && f.type === 'TableValue';
          add(table.elements, last ? allOf(multi(f.value)) : single(f.value));
        });
        return { fixed: [one({ kind: 'table', table })] };
      }
      case 'MemberExpression':
      case 'IndexExpression': {
        const out = new ValueSet();
        const keyValues = e.type === 'IndexExpression' ? single(e.index) : undefined;
        const literalKey = keyValues?.values().length === 1 && keyValues.values()[0]?.kind === 'literal' ? (keyValues.values()[0] as { text: string }).text : undefined;
        const key = e.type === 'MemberExpression' ? e.identifier.name : literalKey;
        for (const base of single(e.base)) {
          if (base.kind === 'table') out.addAll(elementsOf(base.table, e.type === 'IndexExpression' ? e.index : undefined, e));
          else if (base.kind === 'reply') out.addAll([{ kind: 'reply', command: base.command, at: e }, { kind: 'nil', at: e }]);
          else if (base.kind === 'builtin') out.addAll(libraryMember(base.name, key, e));
          else if (isStringish(base) && key !== undefined && e.type === 'MemberExpression' && e.indexer === ':') {
            const m = member(STRING_LIB, key);
            out.addAll(m ? [m] : unknown(e, `string method ${key}`));
          } else out.addAll(unknown(e, 'a field of a value the analysis does not follow'));
        }
        return { fixed: [out] };
      }
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression':
        return call(e);
      case 'BinaryExpression': {
        const left = single(e.left);
        const right = single(e.right);
        if (e.operator === '..') return { fixed: [concat(e)] };
        if (['==', '~=', '<', '>', '<=', '>='].includes(e.operator)) return { fixed: [one({ kind: 'boolean', value: undefined, at: e })] };
        // Arithmetic: / and ^ make fractions; + - * % keep whatever fractions their operands carry.
        const fractionalSide = (s: ValueSet) => s.some((v) => v.kind === 'number' && v.fractional);
        const fractional = e.operator === '/' || e.operator === '^' || fractionalSide(left) || fractionalSide(right);
        return { fixed: [one({ kind: 'number', fractional, at: e })] };
      }
      case 'LogicalExpression': {
        const left = single(e.left);
        const right = single(e.right);
        // `a and b` yields b unless a is false/nil (then a); `a or b` yields a unless it is false/nil.
        if (e.operator === 'and') {
          const falsy = left.values().filter((v) => v.kind === 'nil' || (v.kind === 'boolean' && v.value !== true));
          return { fixed: [union(right, new ValueSet(falsy))] };
        }
        const truthy = left.values().filter((v) => v.kind !== 'nil' && !(v.kind === 'boolean' && v.value === false));
        return { fixed: [union(new ValueSet(truthy), right)] };
      }
      case 'UnaryExpression':
        single(e.argument);
        if (e.operator === 'not') return { fixed: [one({ kind: 'boolean', value: undefined, at: e })] };
        const fractional = e.operator === '-' && single(e.argument).some((v) => v.kind === 'number' && v.fractional);
        return { fixed: [one({ kind: 'number', fractional, at: e })] };
      default:
        return { fixed: [unknown(e as Node, 'an expression the analysis does not follow')] };
    }
  }

  /** `a .. b .. c`: derived when the first non-literal part is a declared key and the literals before it hold no '{'. */
  function concat(e: L.BinaryExpression): ValueSet {
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
      const values = single(parts[i] as L.Expression);
      const literal = values.values().every((v) => v.kind === 'literal' || (v.kind === 'number' && v.at.type === 'NumericLiteral'));
      if (literal && values.size === 1) {
        const v = values.values()[0] as Value;
        prefix += v.kind === 'literal' ? v.text : v.kind === 'number' && v.at.type === 'NumericLiteral' ? v.at.raw : '0';
        continue;
      }
      if (literal) {
        prefixKnown = prefixKnown && values.values().every((v) => v.kind !== 'literal' || !v.text.includes('{'));
        prefix += '?';
        continue;
      }
      // The first part that is not a literal decides.
      const out = new ValueSet();
      for (const v of values) {
        if ((v.kind === 'key' || v.kind === 'derived') && prefixKnown && !prefix.includes('{')) out.addAll([{ kind: 'derived', index: v.index, at: e }]);
        else out.addAll([{ kind: 'string', note: describeConcat(v), at: e }]);
      }
      for (let j = i + 1; j < parts.length; j++) single(parts[j] as L.Expression);
      return out;
    }
    return one({ kind: 'literal', text: prefix, at: e });
  }

  function describeConcat(v: Value): string {
    if (v.kind === 'key' || v.kind === 'derived') return 'a name with a literal containing "{" before the declared key';
    if (v.kind === 'argv') return 'a name built from ARGV';
    if (v.kind === 'reply') return `a name built from the reply of ${v.command.toUpperCase()}`;
    return 'a name built at run time';
  }

  function argList(args: L.Expression[]): ValueList {
    const fixed: ValueSet[] = [];
    let rest: ValueSet | undefined;
    args.forEach((a, i) => {
      if (i === args.length - 1 && (a.type === 'CallExpression' || a.type === 'StringCallExpression' || a.type === 'TableCallExpression' || a.type === 'VarargLiteral')) {
        const m = multi(a);
        fixed.push(...m.fixed);
        rest = m.rest;
      } else fixed.push(single(a));
    });
    return { fixed, rest };
  }

  function bindCall(st: FnState, args: ValueList, self: ValueSet | undefined, at: Node): void {
    const params = st.info.params;
    let offset = 0;
    if (params[0]?.kind === 'self') {
      add(st.params[0] as ValueSet, self ?? one({ kind: 'nil', at }));
      offset = 1;
    }
    for (let i = offset; i < params.length; i++) add(st.params[i] as ValueSet, nth(args, i - offset, at));
    const extra = params.length - offset;
    for (let i = extra; i < args.fixed.length; i++) {
      const k = i - extra;
      while (st.varargs.fixed.length <= k) {
        st.varargs.fixed.push(new ValueSet());
        grew = true;
      }
      add(st.varargs.fixed[k] as ValueSet, args.fixed[i] as ValueSet);
    }
    if (args.rest) add(st.varargs.rest as ValueSet, args.rest);
  }

  function escape(values: ValueSet): void {
    for (const v of values) {
      if (v.kind !== 'function') continue;
      const st = fnStates.get(v.fn) as FnState;
      if (!st.escaped) {
        st.escaped = true;
        grew = true;
      }
    }
  }

  function call(e: L.CallExpression | L.StringCallExpression | L.TableCallExpression): ValueList {
    const argNodes: L.Expression[] = e.type === 'CallExpression' ? e.arguments : e.type === 'StringCallExpression' ? [e.argument] : [e.arguments];
    const method = e.base.type === 'MemberExpression' && e.base.indexer === ':';
    const selfValues = method ? single((e.base as L.MemberExpression).base) : undefined;
    const callees = single(e.base);
    const args = argList(argNodes);
    const result: ValueList = { fixed: [] };
    const merge = (r: ValueList) => {
      r.fixed.forEach((s, i) => {
        result.fixed[i] = union(result.fixed[i], s);
      });
      if (r.rest) result.rest = union(result.rest, r.rest);
    };
    for (const callee of callees) {
      if (callee.kind === 'function') {
        const st = fnStates.get(callee.fn) as FnState;
        bindCall(st, args, selfValues, e);
        merge(st.returns.fixed.length || st.returns.rest ? st.returns : { fixed: [one({ kind: 'nil', at: e })] });
      } else if (callee.kind === 'builtin') {
        const full = method && selfValues?.some(isStringish) ? `string.${(e.base as L.MemberExpression).identifier.name}` : callee.name;
        merge(builtin(full, e, argNodes, args, method ? selfValues : undefined));
      } else {
        for (const a of [...args.fixed, args.rest]) if (a) escape(a);
        merge({ fixed: [unknown(e, 'the result of a call the analysis does not follow')], rest: unknown(e, 'the results of a call the analysis does not follow') });
      }
    }
    if (!result.fixed.length && !result.rest) result.fixed.push(unknown(e, 'a call of an unknown function'));
    return result;
  }

  /** Calls each of `callees` with `args` (for pcall, coroutine.resume): functions bind their parameters, builtins run as builtins. */
  function call0(callees: ValueSet, args: ValueList, e: L.CallExpression | L.StringCallExpression | L.TableCallExpression, argNodes: L.Expression[]): ValueList {
    const out: ValueList = { fixed: [], rest: new ValueSet() };
    for (const t of callees) {
      if (t.kind === 'function') {
        const st = fnStates.get(t.fn) as FnState;
        bindCall(st, args, undefined, e);
        out.rest?.addAll(allOf(st.returns));
      } else if (t.kind === 'builtin') {
        out.rest?.addAll(allOf(builtin(t.name, e, argNodes, args, undefined)));
      } else {
        for (const a of [...args.fixed, args.rest]) if (a) escape(a);
        out.rest?.addAll(unknown(e, 'the result of a call the analysis does not follow'));
      }
    }
    return out;
  }

  function builtin(name: string, e: L.CallExpression | L.StringCallExpression | L.TableCallExpression, argNodes: L.Expression[], args: ValueList, self: ValueSet | undefined): ValueList {
    const given: ValueList = self ? { fixed: [self, ...args.fixed], rest: args.rest } : args;
    // Positional arguments: a call or unpack last in the list fills the positions it may reach.
    const positions = Math.max(given.fixed.length, 3);
    const full: ValueList = { fixed: Array.from({ length: positions }, (_, k) => nth(given, k, e)), rest: given.rest };
    if (given.fixed.length < positions && !given.rest) full.fixed.length = given.fixed.length;
    const fullNodes = self ? [(e.base as L.MemberExpression).base, ...argNodes] : argNodes;
    if (once(`${name}@${rangeOf(e)[0]}:${rangeOf(e)[1]}`)) facts.builtinCalls.push({ node: e, callee: name, argNodes: fullNodes, args: full });
    const str = (note: string) => ({ fixed: [one({ kind: 'string', note, at: e })] });
    const num = (fractional: boolean) => ({ fixed: [one({ kind: 'number', fractional, at: e })] });
    switch (name) {
      case 'redis.call':
      case 'redis.pcall': {
        // The command table resolves positions itself: keep the list as written.
        if (once(`redis@${rangeOf(e)[0]}:${rangeOf(e)[1]}:${fullNodes.length}`)) facts.redisCalls.push({ node: e, protected: name === 'redis.pcall', argNodes: fullNodes, args: given });
        const first = given.fixed[0];
        const names = first?.values().filter((v): v is Extract<Value, { kind: 'literal' }> => v.kind === 'literal').map((v) => v.text.toLowerCase()) ?? [];
        const out = new ValueSet(names.map((command) => ({ kind: 'reply' as const, command, at: e })));
        if (!names.length) out.addAll([{ kind: 'reply', command: '?', at: e }]);
        if (name === 'redis.pcall') out.addAll([{ kind: 'error', at: e }]);
        return { fixed: [out] };
      }
      case 'pcall':
      case 'xpcall': {
        // pcall(f, ...) calls f with the remaining args; xpcall(f, handler) calls f with none.
        const args: ValueList = name === 'pcall' ? { fixed: given.fixed.slice(1), rest: given.rest } : { fixed: [] };
        if (name === 'xpcall') escape(full.fixed[1] ?? new ValueSet());
        const inner = call0(full.fixed[0] ?? new ValueSet(), args, e, fullNodes.slice(1));
        return { fixed: [one({ kind: 'boolean', value: undefined, at: e })], rest: union(allOf(inner), one({ kind: 'string', note: 'an error message', at: e })) };
      }
      case 'coroutine.wrap':
      case 'coroutine.create':
        // The coroutine runs the function it is given: treat it as that function, so its
        // calls (coroutine.resume(co, ...) or the wrapper's) bind its parameters.
        return { fixed: [full.fixed[0] ?? unknown(e, name)] };
      case 'coroutine.resume': {
        const inner = call0(full.fixed[0] ?? new ValueSet(), { fixed: given.fixed.slice(1), rest: given.rest }, e, fullNodes.slice(1));
        return { fixed: [one({ kind: 'boolean', value: undefined, at: e })], rest: union(allOf(inner), unknown(e, 'a value passed to coroutine.yield')) };
      }
      case 'coroutine.yield':
        return { fixed: [], rest: unknown(e, 'a value passed to coroutine.resume') };
      case 'unpack': {
        const out = new ValueSet();
        for (const t of full.fixed[0] ?? []) {
          if (t.kind === 'table') out.addAll(elementsOf(t.table, undefined, e));
          else out.addAll(unknown(e, 'unpack of a value the analysis does not follow'));
        }
        return { fixed: [], rest: out };
      }
      case 'tostring': {
        const out = new ValueSet();
        for (const v of full.fixed[0] ?? []) out.addAll(isStringish(v) ? [v] : [{ kind: 'string', note: 'tostring of a non-string', at: e }]);
        return { fixed: [out] };
      }
      case 'tonumber': {
        // tonumber() of a `number` arg or of a float command's reply (ZSCORE, INCRBYFLOAT...)
        // may carry a fraction; of anything else it is taken as an integer.
        const fractional = (full.fixed[0]?.values() ?? []).some(
          (v) => (v.kind === 'reply' && FLOAT_REPLIES.has(v.command)) || (v.kind === 'argv' && options.fractionalArg(v.index)) || (v.kind === 'number' && v.fractional),
        );
        return { fixed: [new ValueSet([{ kind: 'number', fractional, at: e }, { kind: 'nil', at: e }])] };
      }
      case 'type':
        return str('a type name');
      case 'select':
        return { fixed: [], rest: union(full.rest, ...full.fixed.slice(1), one({ kind: 'number', fractional: false, at: e })) };
      case 'assert':
        return { fixed: full.fixed, rest: full.rest };
      case 'setmetatable':
        // Lua calls metamethods itself: their parameters are unknown, and reading a missing
        // field of the table may return anything (__index).
        for (const mt of full.fixed[1] ?? []) if (mt.kind === 'table') escape(mt.table.elements);
        for (const t of full.fixed[0] ?? []) if (t.kind === 'table') add(t.table.elements, unknown(e, 'a value from a metatable (__index)'));
        return { fixed: [full.fixed[0] ?? new ValueSet()] };
      case 'rawget': {
        const out = new ValueSet();
        const keyNode = fullNodes[1];
        const key = keyNode?.type === 'StringLiteral' ? keyNode.value : undefined;
        for (const t of full.fixed[0] ?? []) {
          if (t.kind === 'table') out.addAll(elementsOf(t.table, undefined, e));
          else if (t.kind === 'builtin') out.addAll(libraryMember(t.name, key, e));
          else out.addAll(unknown(e, 'rawget'));
        }
        return { fixed: [out] };
      }
      case 'rawset':
      case 'table.insert': {
        // table.insert(t, v) or table.insert(t, pos, v): the value is the last argument.
        const value = name === 'rawset' ? nth(given, 2, e) : given.fixed.length >= 3 ? union(given.fixed[2], given.rest) : union(nth(given, 1, e), given.rest);
        for (const t of full.fixed[0] ?? []) if (t.kind === 'table') add(t.table.elements, value);
        return { fixed: [] };
      }
      case 'table.remove': {
        const out = new ValueSet();
        for (const t of full.fixed[0] ?? []) out.addAll(t.kind === 'table' ? elementsOf(t.table, undefined, e) : unknown(e, 'table.remove'));
        return { fixed: [out] };
      }
      case 'table.sort':
        escape(full.fixed[1] ?? new ValueSet());
        return { fixed: [] };
      case 'string.format':
        return { fixed: [format(e, full)] };
      case 'redis.status_reply':
        return { fixed: [one({ kind: 'status', at: e })] };
      case 'redis.error_reply':
        return { fixed: [one({ kind: 'error', at: e })] };
      case 'math.floor':
      case 'math.ceil':
      case 'string.len':
      case 'string.byte':
      case 'table.getn':
      case 'table.maxn':
      case 'gcinfo':
        return num(false);
      case 'math.random':
        return num(full.fixed.length === 0);
      case 'math.abs':
      case 'math.max':
      case 'math.min':
      case 'math.fmod':
        return num(allOf(full).some((v) => v.kind === 'number' && v.fractional));
      case 'string.find':
        return { fixed: [new ValueSet([{ kind: 'number', fractional: false, at: e }, { kind: 'nil', at: e }])], rest: one({ kind: 'number', fractional: false, at: e }) };
      case 'string.match':
        return { fixed: [new ValueSet([{ kind: 'string', note: 'a match', at: e }, { kind: 'nil', at: e }])], rest: new ValueSet([{ kind: 'string', note: 'a match', at: e }, { kind: 'nil', at: e }]) };
      case 'next':
      case 'ipairs':
      case 'pairs':
      case 'string.gmatch':
      case 'loadstring':
      case 'load':
      case 'getmetatable':
      case 'cjson.decode':
      case 'cmsgpack.unpack':
      case 'struct.unpack':
        for (const a of [...full.fixed, full.rest]) if (a) escape(a);
        return { fixed: [unknown(e, `the result of ${name}`)], rest: unknown(e, `the results of ${name}`) };
      default: {
        for (const a of [...full.fixed, full.rest]) if (a) escape(a);
        if (name.startsWith('math.') || name.startsWith('bit.')) return num(name.startsWith('math.'));
        if (name.startsWith('string.') || name.startsWith('cjson.') || name.startsWith('cmsgpack.') || name.startsWith('struct.') || name === 'redis.sha1hex' || name === 'table.concat') {
          return str(`the result of ${name}`);
        }
        return { fixed: [unknown(e, `the result of ${name}`)] };
      }
    }
  }

  /** string.format('prefix:%s...', KEYS[1], ...): derived when the first conversion takes a declared key. */
  function format(e: Node, args: ValueList): ValueSet {
    const fmt = args.fixed[0]?.values() ?? [];
    const first = args.fixed[1];
    const out = new ValueSet();
    for (const f of fmt) {
      const m = f.kind === 'literal' ? /^((?:[^%]|%%)*)%(.)/.exec(f.text) : null;
      for (const v of first ?? []) {
        if (m && m[2] === 's' && !(m[1] as string).includes('{') && (v.kind === 'key' || v.kind === 'derived')) out.addAll([{ kind: 'derived', index: v.index, at: e }]);
        else out.addAll([{ kind: 'string', note: 'a name built with string.format', at: e }]);
      }
      if (!first) out.addAll([f.kind === 'literal' ? { kind: 'literal', text: f.text, at: e } : { kind: 'string', note: 'string.format', at: e }]);
    }
    if (!fmt.length) out.addAll([{ kind: 'string', note: 'string.format', at: e }]);
    return out;
  }

  const enclosingFn = new Map<Node, L.FunctionDeclaration>();

  function assign(target: L.Expression, values: ValueSet): void {
    if (target.type === 'Identifier') {
      const b = scopes.resolve.get(target);
      add(b ? valuesOfBinding(b) : globalSet(target.name), values);
      return;
    }
    if (target.type === 'IndexExpression' || target.type === 'MemberExpression') {
      if (target.type === 'IndexExpression') single(target.index);
      for (const base of single(target.base)) if (base.kind === 'table') add(base.table.elements, values);
    }
  }

  function statements(body: L.Statement[], fn: L.FunctionDeclaration | undefined): void {
    for (const s of body) statement(s, fn);
  }

  function statement(s: L.Statement, fn: L.FunctionDeclaration | undefined): void {
    switch (s.type) {
      case 'LocalStatement':
      case 'AssignmentStatement': {
        const values = argList(s.init);
        s.variables.forEach((v, i) => assign(v, nth(values, i, v)));
        return;
      }
      case 'CallStatement':
        single(s.expression);
        return;
      case 'FunctionDeclaration': {
        if (s.identifier) assign(s.identifier, one({ kind: 'function', fn: s }));
        statements(s.body, s);
        return;
      }
      case 'ReturnStatement': {
        const values = argList(s.arguments);
        if (fn) {
          const st = fnStates.get(fn) as FnState;
          values.fixed.forEach((v, i) => {
            while (st.returns.fixed.length <= i) {
              st.returns.fixed.push(new ValueSet());
              grew = true;
            }
            add(st.returns.fixed[i] as ValueSet, v);
          });
          if (values.rest) {
            if (!st.returns.rest) {
              st.returns.rest = new ValueSet();
              grew = true;
            }
            add(st.returns.rest, values.rest);
          }
        } else if (once(s)) {
          facts.returns.push({ node: s, values: [...values.fixed, ...(values.rest ? [values.rest] : [])] });
        }
        return;
      }
      case 'IfStatement':
        for (const clause of s.clauses) {
          if (clause.type !== 'ElseClause') single(clause.condition);
          statements(clause.body, fn);
        }
        return;
      case 'WhileStatement':
        single(s.condition);
        statements(s.body, fn);
        return;
      case 'RepeatStatement':
        statements(s.body, fn);
        single(s.condition);
        return;
      case 'DoStatement':
        statements(s.body, fn);
        return;
      case 'ForNumericStatement': {
        single(s.start);
        single(s.end);
        if (s.step) single(s.step);
        const b = scopes.resolve.get(s.variable);
        if (b) add(valuesOfBinding(b), one({ kind: 'number', fractional: single(s.start).some((v) => v.kind === 'number' && v.fractional) || (s.step ? single(s.step).some((v) => v.kind === 'number' && v.fractional) : false), at: s.variable }));
        statements(s.body, fn);
        return;
      }
      case 'ForGenericStatement': {
        const loopValues = iterate(s);
        s.variables.forEach((v, i) => {
          const b = scopes.resolve.get(v);
          if (b) add(valuesOfBinding(b), loopValues[i] ?? unknown(v, 'a loop variable'));
        });
        statements(s.body, fn);
        return;
      }
      default:
        return;
    }
  }

  /** Values of the loop variables of `for a, b in <iterators>`. */
  function iterate(s: L.ForGenericStatement): ValueSet[] {
    const it = s.iterators[0];
    const list = argList(s.iterators);
    if (it && (it.type === 'CallExpression') && it.base.type === 'Identifier' && !scopes.resolve.get(it.base) && (it.base.name === 'ipairs' || it.base.name === 'pairs')) {
      const elements = new ValueSet();
      for (const t of single(it.arguments[0] as L.Expression)) {
        if (t.kind === 'table') elements.addAll(elementsOf(t.table, undefined, s).values().filter((v) => v.kind !== 'nil'));
        else if (t.kind === 'reply') elements.addAll([{ kind: 'reply', command: t.command, at: t.at }]);
        else elements.addAll(unknown(s, 'an element of a value the analysis does not follow'));
      }
      const index = it.base.name === 'ipairs' ? one({ kind: 'number', fractional: false, at: s }) : unknown(s, 'a table key');
      return [index, elements];
    }
    if (it?.type === 'Identifier' && it.name === 'next' && !scopes.resolve.get(it)) {
      const elements = new ValueSet();
      for (const t of list.fixed[1] ?? []) elements.addAll(t.kind === 'table' ? elementsOf(t.table, undefined, s) : unknown(s, 'an element'));
      return [unknown(s, 'a table key'), elements];
    }
    const callee = list.fixed[0] ?? new ValueSet();
    const out: ValueSet[] = [];
    for (const f of callee) {
      if (f.kind === 'function') {
        const st = fnStates.get(f.fn) as FnState;
        bindCall(st, { fixed: list.fixed.slice(1), rest: list.rest }, undefined, s);
        st.returns.fixed.forEach((r, i) => (out[i] = union(out[i], r)));
      }
    }
    const fallback = unknown(s, 'a value produced by an iterator');
    return s.variables.map((_, i) => union(out[i], callee.some((v) => v.kind !== 'function') || !out[i] ? fallback : undefined));
  }

  // Map every vararg to its function, once.
  const mark = (body: L.Statement[] | L.Node, fn: L.FunctionDeclaration | undefined): void => {
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(visit);
      if (!n || typeof n !== 'object' || typeof (n as { type?: unknown }).type !== 'string') return;
      const node = n as Node;
      if (node.type === 'VarargLiteral' && fn) enclosingFn.set(node, fn);
      for (const [k, v] of Object.entries(node)) {
        if (k === 'range' || k === 'loc') continue;
        if (node.type === 'FunctionDeclaration' && node !== fn && k === 'body') {
          mark(v as L.Statement[], node);
          continue;
        }
        visit(v);
      }
    };
    visit(body);
  };
  mark(chunk.body, undefined);

  // Escaped functions take unknown parameters; so do functions never called (dead code is
  // checked too, with parameters that could be anything).
  const applyEscapes = (final: boolean) => {
    for (const st of fnStates.values()) {
      if (final && !st.escaped && st.params.every((p) => p.size === 0) && (st.varargs.rest as ValueSet).size === 0 && st.varargs.fixed.length === 0) {
        st.escaped = true;
        grew = true;
      }
      if (!st.escaped) continue;
      st.params.forEach((p, i) => add(p, unknown(st.info.params[i]?.decl ?? st.info.node, 'a parameter of a function called from code the analysis does not follow')));
      add(st.varargs.rest as ValueSet, unknown(st.info.node, 'an argument of a function called from code the analysis does not follow'));
    }
  };

  for (let pass = 0; pass < 10000; pass++) {
    grew = false;
    statements(chunk.body, undefined);
    applyEscapes(false);
    if (!grew) applyEscapes(true);
    if (!grew) break;
  }
  collecting = true;
  statements(chunk.body, undefined);
  return facts;
}

/** The value in the user's terms, naming the line it comes from. */
export function describeValue(v: Value, lineOf: (n: Node) => number): string {
  const line = (n: Node) => `line ${lineOf(n)}`;
  switch (v.kind) {
    case 'key':
      return `KEYS[${v.index === 'any' ? 'i' : v.index}]`;
    case 'derived':
      return `a key built from KEYS[${v.index === 'any' ? 'i' : v.index}] (${line(v.at)})`;
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
