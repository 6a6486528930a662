// Conditions: the value of an expression used as a test, and what it proves about locals on
// the branch where it is true and where it is false. The guards real scripts write:
//   v, not v                      v is truthy / falsy
//   v == nil, v ~= nil            v is nil / not nil
//   type(v) == 'string'           v is a string (or not)
//   v == 'literal', v == 42       v is a string / a number; v ~= 'literal': v is not that literal
//   a and b, a or b               combined; b is evaluated where a allows it
// Anything else proves nothing.

import type * as L from 'luaparse';
import type { Binding } from '../scope.js';
import type { ValueAnalysis } from './analysis.js';
import { single } from './expressions.js';
import { EMPTY_FLOW, except, exclude, FALSY, join, narrow, TRUTHY, type Flow, type MaybeFlow } from './flow.js';
import { one, refineSet, union, type Facet, type ValueSet } from './value.js';

export interface Branches {
  /** The value of the expression. */
  values: ValueSet;
  /** The flow where it is truthy / falsy (undefined: it never is). */
  whenTrue: MaybeFlow;
  whenFalse: MaybeFlow;
}

const keep = (values: ValueSet, facets: readonly Facet[]): ValueSet => refineSet(values, new Set(facets));

export function condition(a: ValueAnalysis, e: L.Expression, flow: Flow): Branches {
  let out: Branches;
  if (e.type === 'LogicalExpression') out = e.operator === 'and' ? and(a, e, flow) : or(a, e, flow);
  else if (e.type === 'UnaryExpression' && e.operator === 'not') {
    const inner = condition(a, e.argument, flow);
    out = { values: one({ kind: 'boolean', value: undefined, at: e }), whenTrue: inner.whenFalse, whenFalse: inner.whenTrue };
  } else if (e.type === 'BinaryExpression' && (e.operator === '==' || e.operator === '~=')) out = comparison(a, e, flow);
  else {
    const values = single(a, e, flow);
    const b = localOf(a, e);
    out = b ? { values, whenTrue: narrow(flow, b, TRUTHY), whenFalse: narrow(flow, b, FALSY) } : { values, whenTrue: flow, whenFalse: flow };
  }
  a.record(e, out.values);
  return out;
}

function and(a: ValueAnalysis, e: L.LogicalExpression, flow: Flow): Branches {
  const left = condition(a, e.left, flow);
  // `a and b` yields b unless a is false/nil (then a); b runs only where a is truthy.
  const right = condition(a, e.right, left.whenTrue ?? EMPTY_FLOW);
  return {
    values: union(keep(left.values, FALSY), right.values),
    whenTrue: left.whenTrue && right.whenTrue,
    whenFalse: join(left.whenFalse, left.whenTrue && right.whenFalse),
  };
}

function or(a: ValueAnalysis, e: L.LogicalExpression, flow: Flow): Branches {
  const left = condition(a, e.left, flow);
  // `a or b` yields a unless it is false/nil; b runs only where a is falsy.
  const right = condition(a, e.right, left.whenFalse ?? EMPTY_FLOW);
  return {
    values: union(keep(left.values, TRUTHY), right.values),
    whenTrue: join(left.whenTrue, left.whenFalse && right.whenTrue),
    whenFalse: left.whenFalse && right.whenFalse,
  };
}

/** `v == nil`, `type(v) ~= 'table'`, `v == 'x'`, in either order. */
function comparison(a: ValueAnalysis, e: L.BinaryExpression, flow: Flow): Branches {
  single(a, e.left, flow);
  single(a, e.right, flow);
  const values = one({ kind: 'boolean', value: undefined, at: e });
  const test = typeTest(a, e.left, e.right) ?? typeTest(a, e.right, e.left);
  if (!test) return { values, whenTrue: flow, whenFalse: flow };
  const equal = narrow(flow, test.binding, test.facets);
  const different = test.exact
    ? narrow(flow, test.binding, except(...test.facets))
    : test.literal !== undefined
      ? exclude(flow, test.binding, test.literal)
      : flow;
  return e.operator === '==' ? { values, whenTrue: equal, whenFalse: different } : { values, whenTrue: different, whenFalse: equal };
}

const TYPE_NAMES: Record<string, readonly Facet[]> = {
  nil: ['nil'],
  boolean: ['true', 'false'],
  number: ['number'],
  string: ['string'],
  table: ['table'],
  function: ['function'],
};

/**
 * What `subject == other` proves when it holds: the types the local may have. `exact`: when
 * it does not hold, the local has none of them (a type test, or a comparison with nil).
 */
function typeTest(a: ValueAnalysis, subject: L.Expression, other: L.Expression): { binding: Binding; facets: readonly Facet[]; exact: boolean; literal?: string } | undefined {
  if (subject.type === 'CallExpression' && subject.base.type === 'Identifier' && subject.base.name === 'type' && !a.scopes.resolve.get(subject.base)) {
    const b = subject.arguments[0] && localOf(a, subject.arguments[0]);
    const names = other.type === 'StringLiteral' ? Object.hasOwn(TYPE_NAMES, other.value) ? TYPE_NAMES[other.value] : [] : undefined;
    return b && names ? { binding: b, facets: names, exact: true } : undefined;
  }
  const b = localOf(a, subject);
  if (!b) return undefined;
  if (other.type === 'NilLiteral') return { binding: b, facets: ['nil'], exact: true };
  if (other.type === 'StringLiteral') return { binding: b, facets: ['string'], exact: false, literal: other.value };
  if (other.type === 'NumericLiteral') return { binding: b, facets: ['number'], exact: false };
  if (other.type === 'BooleanLiteral') return { binding: b, facets: [other.value ? 'true' : 'false'], exact: true };
  return undefined;
}

function localOf(a: ValueAnalysis, e: L.Expression): Binding | undefined {
  return e.type === 'Identifier' ? a.scopes.resolve.get(e) : undefined;
}
