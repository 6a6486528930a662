// Statements: one handler per node kind. Each takes the flow before the statement and
// returns the flow after it, or undefined when control never continues past it (return,
// break, error(), a call of assert(false)...). Assignments forget what guards proved about
// the locals they assign; an `if` continues with what holds on every branch that falls
// through; a loop body starts from what held before the loop, minus what the body assigns.
// Code no path reaches is still analyzed, with nothing proven (dead code is checked too).

import type * as L from 'luaparse';
import type { Node } from '../../parse/parse-lua.js';
import type { Binding } from '../scope.js';
import type { ValueAnalysis } from './analysis.js';
import { argList, argumentNodes } from './calls.js';
import { condition } from './conditions.js';
import { evaluate, readTable, single } from './expressions.js';
import { EMPTY_FLOW, forget, joinAll, type Flow, type MaybeFlow } from './flow.js';
import { nil, nth, one, union, unknown, ValueSet, type ValueList } from './value.js';

type Handlers = { [K in L.Statement['type']]: (a: ValueAnalysis, s: Extract<L.Statement, { type: K }>, flow: Flow, fn: L.FunctionDeclaration | undefined) => MaybeFlow };

export function block(a: ValueAnalysis, body: readonly L.Statement[], flow: MaybeFlow, fn: L.FunctionDeclaration | undefined): MaybeFlow {
  let current = flow;
  for (const s of body) {
    const handler = HANDLERS[s.type] as (a: ValueAnalysis, s: L.Statement, flow: Flow, fn: L.FunctionDeclaration | undefined) => MaybeFlow;
    const after = handler(a, s, current ?? EMPTY_FLOW, fn);
    current = current === undefined ? undefined : after;
  }
  return current;
}

/**
 * A function's body, where nothing is known of the locals it shares with its surroundings:
 * analyzed once per pass, where it is defined or, if a call comes first, at that call.
 */
export function functionBody(a: ValueAnalysis, fn: L.FunctionDeclaration): void {
  const st = a.fnState(fn);
  if (st.analyzedIn === a.pass) return;
  st.analyzedIn = a.pass;
  block(a, fn.body, EMPTY_FLOW, fn);
}

/** Past this many bodies analyzed one inside another at calls, a call waits for the next pass. */
const MAX_NESTED_BODIES = 128;

/**
 * What a call of `fn` returns. A body not yet analyzed in this pass is analyzed first, so
 * returns flow back through a chain of calls in one pass, not one pass per link.
 */
export function returnsAtCall(a: ValueAnalysis, fn: L.FunctionDeclaration, at: Node): ValueList {
  if (a.fnState(fn).analyzedIn !== a.pass && a.nestedBodies < MAX_NESTED_BODIES) {
    a.nestedBodies++;
    try {
      functionBody(a, fn);
    } finally {
      a.nestedBodies--;
    }
  }
  return a.returnsOf(a.fnState(fn), at);
}

const HANDLERS: Handlers = {
  LocalStatement: assignment,
  AssignmentStatement: assignment,
  CallStatement: callStatement,
  FunctionDeclaration: (a, s, flow) => {
    if (s.identifier) assign(a, s.identifier, one({ kind: 'function', fn: s }), flow);
    functionBody(a, s);
    return s.identifier?.type === 'Identifier' ? forget(flow, boundBy(a, [s.identifier])) : flow;
  },
  ReturnStatement: (a, s, flow, fn) => {
    recordReturn(a, s, argList(a, s.arguments, flow), fn);
    return undefined;
  },
  BreakStatement: () => undefined,
  IfStatement: (a, s, flow, fn) => {
    const through: MaybeFlow[] = [];
    let rest: MaybeFlow = flow;
    for (const clause of s.clauses) {
      if (clause.type === 'ElseClause') {
        through.push(block(a, clause.body, rest, fn));
        rest = undefined;
        continue;
      }
      const test = condition(a, clause.condition, rest ?? EMPTY_FLOW);
      through.push(block(a, clause.body, rest && test.whenTrue, fn));
      rest = rest && test.whenFalse;
    }
    return joinAll([...through, rest]);
  },
  WhileStatement: (a, s, flow, fn) => {
    const entry = loopEntry(a, s, flow);
    const test = condition(a, s.condition, entry);
    block(a, s.body, test.whenTrue ?? entry, fn);
    return entry;
  },
  RepeatStatement: (a, s, flow, fn) => {
    const entry = loopEntry(a, s, flow);
    condition(a, s.condition, block(a, s.body, entry, fn) ?? entry);
    return entry;
  },
  DoStatement: (a, s, flow, fn) => block(a, s.body, flow, fn),
  ForNumericStatement: (a, s, flow, fn) => {
    const start = single(a, s.start, flow);
    single(a, s.end, flow);
    const step = s.step ? single(a, s.step, flow) : undefined;
    const fractional = [start, step].some((x) => x?.some((v) => v.kind === 'number' && v.fractional) ?? false);
    const b = a.scopes.resolve.get(s.variable);
    if (b) a.add(a.valuesOfBinding(b), one({ kind: 'number', fractional, at: s.variable }));
    const entry = loopEntry(a, s, flow);
    block(a, s.body, entry, fn);
    return entry;
  },
  ForGenericStatement: (a, s, flow, fn) => {
    const values = loopValues(a, s, flow);
    s.variables.forEach((v, i) => {
      const b = a.scopes.resolve.get(v);
      if (b) a.add(a.valuesOfBinding(b), values[i] ?? unknown(v, 'a loop variable'));
    });
    const entry = loopEntry(a, s, flow);
    block(a, s.body, entry, fn);
    return entry;
  },
  // Not Lua 5.1: the parser refuses them before the analysis runs.
  LabelStatement: (_a, _s, flow) => flow,
  GotoStatement: (_a, _s, flow) => flow,
};

function assignment(a: ValueAnalysis, s: L.LocalStatement | L.AssignmentStatement, flow: Flow): Flow {
  const values = argList(a, s.init, flow);
  s.variables.forEach((v, i) => assign(a, v, nth(values, i, v), flow));
  return forget(flow, boundBy(a, s.variables));
}

function assign(a: ValueAnalysis, target: L.Expression, values: ValueSet, flow: Flow): void {
  if (target.type === 'Identifier') {
    const b = a.scopes.resolve.get(target);
    a.add(b ? a.valuesOfBinding(b) : a.globalSet(target.name), values);
    return;
  }
  if (target.type !== 'IndexExpression' && target.type !== 'MemberExpression') return;
  const key = target.type === 'MemberExpression' ? target.identifier.name : literalKey(a, target.index, flow);
  const append = target.type === 'IndexExpression' && isAppendIndex(a, target);
  for (const base of single(a, target.base, flow)) {
    if (base.kind !== 'table') continue;
    if (key !== undefined) a.add(a.field(base.table, key), values);
    else if (append) a.appendElement(base.table, values);
    else a.storeElement(base.table, values);
  }
}

/** `t[#t + 1]`, the append idiom. */
function isAppendIndex(a: ValueAnalysis, target: L.IndexExpression): boolean {
  const i = target.index;
  if (i.type !== 'BinaryExpression' || i.operator !== '+' || i.right.type !== 'NumericLiteral' || i.right.value !== 1) return false;
  const len = i.left;
  if (len.type !== 'UnaryExpression' || len.operator !== '#' || len.argument.type !== 'Identifier' || target.base.type !== 'Identifier') return false;
  const binding = a.scopes.resolve.get(target.base);
  return binding !== undefined && binding === a.scopes.resolve.get(len.argument);
}

function literalKey(a: ValueAnalysis, index: L.Expression, flow: Flow): string | undefined {
  const values = single(a, index, flow).values();
  return values.length === 1 && values[0]?.kind === 'literal' ? values[0].text : undefined;
}

function boundBy(a: ValueAnalysis, targets: readonly L.Expression[]): Binding[] {
  return targets.flatMap((t) => {
    const b = t.type === 'Identifier' ? a.scopes.resolve.get(t) : undefined;
    return b ? [b] : [];
  });
}

/** error(...) never returns; assert(c, ...) returns only where c holds. */
function callStatement(a: ValueAnalysis, s: L.CallStatement, flow: Flow): MaybeFlow {
  const e = s.expression;
  evaluate(a, e, flow);
  const callee = single(a, e.base, flow).values();
  const only = (name: string) => callee.length > 0 && callee.every((v) => v.kind === 'builtin' && v.name === name);
  if (only('error')) return undefined;
  const first = argumentNodes(e)[0];
  if (only('assert') && first) return condition(a, first, flow).whenTrue;
  return flow;
}

function recordReturn(a: ValueAnalysis, s: L.ReturnStatement, values: ValueList, fn: L.FunctionDeclaration | undefined): void {
  if (!fn) {
    if (a.once(s)) a.facts.returns.push({ node: s, values: [...values.fixed, ...(values.rest ? [values.rest] : [])] });
    return;
  }
  a.mergeList(a.fnState(fn).returns, values, s);
}

/** The flow at the top of every iteration: what held before the loop, minus what the body assigns. */
function loopEntry(a: ValueAnalysis, loop: L.WhileStatement | L.RepeatStatement | L.ForNumericStatement | L.ForGenericStatement, flow: Flow): Flow {
  let assigned = a.loopAssignments.get(loop);
  if (!assigned) {
    assigned = new Set();
    collectAssigned(a, loop.body, assigned);
    a.loopAssignments.set(loop, assigned);
  }
  return forget(flow, assigned);
}

function collectAssigned(a: ValueAnalysis, body: readonly L.Statement[], out: Set<Binding>): void {
  for (const s of body) {
    if (s.type === 'AssignmentStatement') for (const b of boundBy(a, s.variables)) out.add(b);
    else if (s.type === 'FunctionDeclaration' && s.identifier?.type === 'Identifier') for (const b of boundBy(a, [s.identifier])) out.add(b);
    if (s.type === 'IfStatement') for (const c of s.clauses) collectAssigned(a, c.body, out);
    else if ('body' in s && Array.isArray(s.body) && s.type !== 'FunctionDeclaration') collectAssigned(a, s.body, out);
  }
}

/** Values of the loop variables of `for a, b in <iterators>`. */
function loopValues(a: ValueAnalysis, s: L.ForGenericStatement, flow: Flow): ValueSet[] {
  const it = s.iterators[0];
  const list = argList(a, s.iterators, flow);
  const global = (x: L.Expression | undefined, ...names: string[]) => x?.type === 'Identifier' && names.includes(x.name) && !a.scopes.resolve.get(x);
  if (it?.type === 'CallExpression' && global(it.base, 'ipairs', 'pairs')) {
    const elements = new ValueSet();
    const target = it.arguments[0];
    for (const t of target ? single(a, target, flow) : nil(s)) {
      if (t.kind === 'table') elements.addAll(readTable(a, t.table, { index: undefined }, s).values().filter((v) => v.kind !== 'nil'));
      else if (t.kind === 'reply') elements.addAll([{ kind: 'reply', command: t.command, at: t.at }]);
      else elements.addAll(unknown(s, 'an element of a value the analysis does not follow'));
    }
    const index = (it.base as L.Identifier).name === 'ipairs' ? one({ kind: 'number', fractional: false, at: s }) : unknown(s, 'a table key');
    return [index, elements];
  }
  if (global(it, 'next')) {
    const elements = new ValueSet();
    for (const t of list.fixed[1] ?? []) elements.addAll(t.kind === 'table' ? readTable(a, t.table, { index: undefined }, s) : unknown(s, 'an element'));
    return [unknown(s, 'a table key'), elements];
  }
  const callee = list.fixed[0] ?? new ValueSet();
  const returns: ValueList[] = [];
  for (const f of callee) {
    if (f.kind !== 'function') continue;
    const st = a.fnState(f.fn);
    a.bindCall(st, { fixed: list.fixed.slice(1), rest: list.rest }, undefined, s);
    returns.push(returnsAtCall(a, f.fn, s));
  }
  const fallback = callee.some((v) => v.kind !== 'function') ? unknown(s, 'a value produced by an iterator') : undefined;
  return s.variables.map((_, i) => union(fallback, ...returns.map((r) => nth(r, i, s))));
}
