// The state of one value analysis, held in one object that the handlers (expressions.ts,
// calls.ts, builtins.ts, statements.ts) receive explicitly: the value sets of bindings,
// globals, tables and functions, grown pass after pass until nothing grows (a fixpoint),
// and the facts the rules read, recorded on the last pass.

import type * as L from 'luaparse';
import type { Node } from '../../parse/parse-lua.js';
import type { Binding, FunctionInfo, Scopes } from '../scope.js';
import { allOf, emptyAccumulator, facetsOf, mergeInto, nil, nth, one, unknown, ValueSet, type ListAccumulator, type TableObject, type Value, type ValueList } from './value.js';

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
  /** The values an expression held where the script evaluates it (guards applied). */
  valuesOf(e: L.Expression): ValueSet;
}

export interface ValueOptions {
  /** True when ARGV[index] is declared `number`: tonumber() of it may carry a fraction. */
  fractionalArg(index: number | 'any'): boolean;
  /** The values ARGV[index] may take when it is declared a union of literals ('asc'|'desc'): the wrapper allows only those. */
  argLiterals?(index: number): readonly string[] | undefined;
  /** True for a node inside a function that cannot run (liveness.ts): its calls pass nothing on. */
  deadCode?(node: Node): boolean;
  /** Globals the target's sandbox defines as another's alias (Valkey: server -> redis). */
  aliases?: Readonly<Record<string, string>>;
}

export interface FnState {
  info: FunctionInfo;
  params: ValueSet[];
  /** What `...` may give: the extra arguments of every call, merged. */
  varargs: ListAccumulator;
  /** What a call may give: every return statement's list, merged. */
  returns: ListAccumulator;
  /** Called from code the analysis does not follow (or never called): its parameters are unknown. */
  escaped: boolean;
  /** Run as a coroutine: a call of it also returns what its body passes to coroutine.yield. */
  coroutine: boolean;
  /** The pass in which its body was last analyzed (at its definition or, earlier, at a call). */
  analyzedIn: number;
  /** The table its implicit `arg` holds (vararg functions whose body does not use `...`). */
  argTable?: TableObject;
}

export class ValueAnalysis {
  readonly KEYS: TableObject;
  readonly ARGV: TableObject;
  readonly fnStates = new Map<L.FunctionDeclaration, FnState>();
  /** The function each `...` belongs to. */
  readonly varargOwner: ReadonlyMap<Node, L.FunctionDeclaration>;
  /** The locals each loop body assigns (computed once per loop). */
  readonly loopAssignments = new Map<Node, Set<Binding>>();
  /** What coroutine.yield was given, and what resumes passed back (one set for all coroutines). */
  readonly yielded = new ValueSet();
  readonly resumed = new ValueSet();
  /** Some set grew during this pass: run another one. */
  grew = false;
  /** The number of the current pass over the program. */
  pass = 0;
  /** How many function bodies are being analyzed at a call, one inside another. */
  nestedBodies = 0;
  /** The last pass: facts are recorded. */
  collecting = false;
  readonly facts: Facts;

  private tableCount = 0;
  private readonly tables = new Map<Node | string, TableObject>();
  private readonly bindingValues = new Map<Binding, ValueSet>();
  private readonly globalValues = new Map<string, ValueSet>();
  private readonly paramOwner = new Map<Binding, FnState>();
  private readonly recorded = new Set<unknown>();
  private readonly expressionValues = new Map<L.Expression, ValueSet>();

  constructor(
    readonly scopes: Scopes,
    readonly options: ValueOptions,
  ) {
    this.varargOwner = scopes.varargOwner;
    this.KEYS = this.tableFor('KEYS');
    this.ARGV = this.tableFor('ARGV');
    for (const [node, info] of scopes.functions) {
      const st: FnState = {
        info,
        params: info.params.map(() => new ValueSet()),
        varargs: emptyAccumulator(),
        returns: emptyAccumulator(),
        escaped: false,
        coroutine: false,
        analyzedIn: -1,
      };
      this.fnStates.set(node, st);
      for (const p of info.params) this.paramOwner.set(p, st);
    }
    this.facts = { redisCalls: [], builtinCalls: [], returns: [], valuesOf: (e) => this.expressionValues.get(e) ?? new ValueSet() };
  }

  /** Adds values to a set, noting that the analysis has not settled yet. */
  add(set: ValueSet, values: Iterable<Value>): void {
    if (set.addAll(values)) this.grew = true;
  }

  tableFor(origin: Node | 'KEYS' | 'ARGV', kind: TableObject['origin'] = origin as TableObject['origin']): TableObject {
    let t = this.tables.get(origin);
    if (!t) {
      t = { id: this.tableCount++, origin: kind, elements: new ValueSet(), fields: new Map(), metatables: new ValueSet() };
      if (typeof kind !== 'string') t.positions = { head: [], tail: new ValueSet() };
      this.tables.set(origin, t);
    }
    return t;
  }

  /** Stores an element at a position not known at build time (`t[i] = v`, table.insert(t, i, v)). */
  storeElement(t: TableObject, values: Iterable<Value>): void {
    this.add(t.elements, values);
    this.breakPositions(t);
  }

  /**
   * Appends (`table.insert(t, v)`, `t[#t + 1] = v`): the value lands after the constructor's
   * positions unless one of them may be nil (then `#t` may stop before it).
   */
  appendElement(t: TableObject, values: Iterable<Value>): void {
    const list = [...values];
    this.add(t.elements, list);
    if (!t.positions) return;
    if (t.positions.head.some((s) => s.some((v) => facetsOf(v).includes('nil')))) this.breakPositions(t);
    else this.add(t.positions.tail, list);
  }

  /** The table's positions are no longer known: every read computed with them runs again. */
  breakPositions(t: TableObject): void {
    if (!t.positions) return;
    t.positions = undefined;
    this.grew = true;
  }

  /** The set of a named field of a table, created on first use. */
  field(t: TableObject, name: string): ValueSet {
    let s = t.fields.get(name);
    if (!s) {
      s = new ValueSet();
      t.fields.set(name, s);
    }
    return s;
  }

  valuesOfBinding(b: Binding): ValueSet {
    const owner = this.paramOwner.get(b);
    if (owner) return owner.params[owner.info.params.indexOf(b)] as ValueSet;
    if (b.kind === 'arg') return this.argValues(b);
    let s = this.bindingValues.get(b);
    if (!s) {
      s = new ValueSet();
      this.bindingValues.set(b, s);
    }
    return s;
  }

  /** Lua 5.1: `arg` is a table of the varargs, or nil when the body uses `...` itself. */
  private argValues(b: Binding): ValueSet {
    const st = this.fnState(b.fn as L.FunctionDeclaration);
    if (st.info.usesVararg) return nil(st.info.node);
    st.argTable ??= this.tableFor(st.info.node, 'arg');
    this.add(st.argTable.elements, allOf(st.varargs));
    this.add(this.field(st.argTable, 'n'), [{ kind: 'number', fractional: false, at: st.info.node }]);
    return one({ kind: 'table', table: st.argTable });
  }

  globalSet(name: string): ValueSet {
    let s = this.globalValues.get(name);
    if (!s) {
      s = new ValueSet();
      this.globalValues.set(name, s);
    }
    return s;
  }

  globalValuesOf(name: string): ValueSet | undefined {
    return this.globalValues.get(name);
  }

  fnState(fn: L.FunctionDeclaration): FnState {
    return this.fnStates.get(fn) as FnState;
  }

  /** True the first time `key` is seen on the collecting pass (an expression may be evaluated twice). */
  once(key: unknown): boolean {
    if (!this.collecting || this.recorded.has(key)) return false;
    this.recorded.add(key);
    return true;
  }

  /** Remembers what `e` held, on the collecting pass. */
  record(e: L.Expression, values: ValueSet): void {
    if (!this.collecting) return;
    const s = this.expressionValues.get(e);
    if (s) s.addAll(values);
    else this.expressionValues.set(e, new ValueSet(values));
  }

  /** Binds a call's arguments (and `self`) to a function's parameters and varargs. */
  bindCall(st: FnState, args: ValueList, self: ValueSet | undefined, at: Node): void {
    if (this.options.deadCode?.(at)) return; // a call in code that cannot run binds nothing
    const params = st.info.params;
    let offset = 0;
    if (params[0]?.kind === 'self') {
      this.add(st.params[0] as ValueSet, self ?? nil(at));
      offset = 1;
    }
    for (let i = offset; i < params.length; i++) this.add(st.params[i] as ValueSet, nth(args, i - offset, at));
    const extra = params.length - offset;
    this.mergeList(st.varargs, { fixed: args.fixed.slice(extra), rest: args.rest }, at);
    if (st.coroutine) this.add(this.resumed, allOf(args));
  }

  /** Merges a list into an accumulator, noting growth. */
  mergeList(acc: ListAccumulator, list: ValueList, at: Node): void {
    const wasMerged = acc.merged;
    if (mergeInto(acc, list, at, (set, values) => this.add(set, values)) || !wasMerged) this.grew = true;
  }

  /** What a call of `st` returns (what its body yields too, for a coroutine). */
  returnsOf(st: FnState, at: Node): ValueList {
    const returns = st.returns.fixed.length || st.returns.rest?.size ? st.returns : { fixed: [nil(at)] };
    // A coroutine's call gives what it yields or what it returns, in any position.
    return st.coroutine ? { fixed: [], rest: new ValueSet([...allOf(returns), ...this.yielded, ...nil(at)]) } : returns;
  }

  /** Functions among `values` may now be called by code the analysis does not follow. */
  escape(values: Iterable<Value>): void {
    for (const v of values) {
      if (v.kind !== 'function') continue;
      const st = this.fnState(v.fn);
      if (!st.escaped) {
        st.escaped = true;
        this.grew = true;
      }
    }
  }

  /**
   * Escaped functions take unknown parameters; on the final round so do functions never
   * called (dead code is checked too, with parameters that could be anything).
   */
  applyEscapes(final: boolean): void {
    for (const st of this.fnStates.values()) {
      const called = st.params.some((p) => p.size > 0) || st.varargs.merged;
      if (final && !st.escaped && !called) {
        st.escaped = true;
        this.grew = true;
      }
      if (!st.escaped) continue;
      st.params.forEach((p, i) => this.add(p, unknown(st.info.params[i]?.decl ?? st.info.node, 'a parameter of a function called from code the analysis does not follow')));
      this.mergeList(st.varargs, { fixed: [], rest: unknown(st.info.node, 'an argument of a function called from code the analysis does not follow') }, st.info.node);
    }
  }
}
