// Calls: what `f(args)`, `obj:m(args)`, `f'str'` and `f{...}` yield, for every value the
// callee may be. A script function binds its parameters and yields its returns; a sandbox
// builtin runs its handler (builtins.ts); anything else yields unknown values, and any
// function passed to it may be called with unknown arguments (it escapes).

import type * as L from 'luaparse';
import type { Node } from '../../parse/parse-lua.js';
import type { ValueAnalysis } from './analysis.js';
import { callBuiltin } from './builtins.js';
import { evaluate, memberOf, single } from './expressions.js';
import type { Flow } from './flow.js';
import { returnsAtCall } from './statements.js';
import { allOf, emptyAccumulator, mergeInto, one, unknown, ValueSet, isStringish, type ValueList } from './value.js';

export type CallNode = L.CallExpression | L.StringCallExpression | L.TableCallExpression;

export function argumentNodes(e: CallNode): L.Expression[] {
  return e.type === 'CallExpression' ? e.arguments : e.type === 'StringCallExpression' ? [e.argument] : [e.arguments];
}

/** The values of an argument list: a call or `...` last in it yields all its values. */
export function argList(a: ValueAnalysis, args: readonly L.Expression[], flow: Flow): ValueList {
  const fixed: ValueSet[] = [];
  let rest: ValueSet | undefined;
  args.forEach((arg, i) => {
    if (i === args.length - 1 && (arg.type === 'CallExpression' || arg.type === 'StringCallExpression' || arg.type === 'TableCallExpression' || arg.type === 'VarargLiteral')) {
      const m = evaluate(a, arg, flow);
      fixed.push(...m.fixed);
      rest = m.rest;
    } else fixed.push(single(a, arg, flow));
  });
  return { fixed, rest };
}

/** Merges the value lists of the possible callees, position by position. */
function merger(at: Node): { add(r: ValueList): void; result: ValueList } {
  const result = emptyAccumulator();
  return {
    result,
    add(r) {
      mergeInto(result, r, at, (set, values) => set.addAll(values));
    },
  };
}

/** The method `obj:m` names, from the values of `obj` (evaluated once: a chain `t:m():m()` would double each time). */
function methodOf(a: ValueAnalysis, e: L.MemberExpression, self: ValueSet, flow: Flow): ValueSet {
  const callees = memberOf(a, e, self, flow);
  a.record(e, callees);
  return callees;
}

/** Values whose call raises an error in Lua (strings are called only through `:` methods). */
const NOT_CALLABLE = new Set(['nil', 'boolean', 'number']);

export function call(a: ValueAnalysis, e: CallNode, flow: Flow): ValueList {
  const argNodes = argumentNodes(e);
  const method = e.base.type === 'MemberExpression' && e.base.indexer === ':';
  const self = method ? single(a, (e.base as L.MemberExpression).base, flow) : undefined;
  const callees = self ? methodOf(a, e.base as L.MemberExpression, self, flow) : single(a, e.base, flow);
  const args = argList(a, argNodes, flow);
  const out = merger(e);
  for (const callee of callees) {
    if (NOT_CALLABLE.has(callee.kind)) continue; // Lua raises an error: the call gives nothing
    if (callee.kind === 'function') {
      const st = a.fnState(callee.fn);
      a.bindCall(st, args, self, e);
      out.add(returnsAtCall(a, callee.fn, e));
    } else if (callee.kind === 'builtin') {
      const name = method && self?.some(isStringish) ? `string.${(e.base as L.MemberExpression).identifier.name}` : callee.name;
      out.add(callBuiltin(a, name, e, argNodes, args, self, flow));
    } else {
      escapeAll(a, args);
      out.add({ fixed: [unknown(e, 'the result of a call the analysis does not follow')], rest: unknown(e, 'the results of a call the analysis does not follow') });
    }
  }
  if (!out.result.fixed.length && !out.result.rest) {
    // No callee at all means the analysis lost track; callees that all raise give nothing.
    out.result.fixed.push(callees.size ? new ValueSet() : unknown(e, 'a call of an unknown function'));
  }
  return out.result;
}

/**
 * Calls each of `callees` with `args`, for builtins that call what they are given (pcall,
 * coroutine.resume): all the values they may return, as one set.
 */
export function callEach(a: ValueAnalysis, callees: ValueSet, args: ValueList, e: CallNode, argNodes: L.Expression[], flow: Flow): ValueSet {
  const out = new ValueSet();
  for (const t of callees) {
    if (NOT_CALLABLE.has(t.kind)) continue;
    if (t.kind === 'function') {
      const st = a.fnState(t.fn);
      a.bindCall(st, args, undefined, e);
      out.addAll(allOf(returnsAtCall(a, t.fn, e)));
    } else if (t.kind === 'builtin') {
      out.addAll(allOf(callBuiltin(a, t.name, e, argNodes, args, undefined, flow)));
    } else {
      escapeAll(a, args);
      out.addAll(unknown(e, 'the result of a call the analysis does not follow'));
    }
  }
  return out;
}

export function escapeAll(a: ValueAnalysis, list: ValueList): void {
  for (const s of [...list.fixed, list.rest]) if (s) a.escape(s);
}

/** A value list of one value: a boolean flag first, then `rest` (pcall, coroutine.resume). */
export const flagged = (at: Node, rest: ValueSet): ValueList => ({ fixed: [one({ kind: 'boolean', value: undefined, at })], rest });
