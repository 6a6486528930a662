// Scope resolution: which binding every identifier refers to, following Lua 5.1 rules
// (`local x = x` sees the outer x, `local function f` sees itself, a repeat-until condition
// sees the loop body's locals, a method `:` gets an implicit `self`).
// In: the AST. Out: bindings, the binding (or global name) of every Identifier node, and
// every function with its parameters.

import type * as L from 'luaparse';
import { rangeOf, type Chunk, type Node } from '../parse/parse-lua.js';

/** `arg`: the implicit local of a Lua 5.1 vararg function (a table of its varargs, or nil when the body uses `...`). */
export type BindingKind = 'local' | 'param' | 'loop' | 'function' | 'self' | 'arg';

export interface Binding {
  id: number;
  name: string;
  kind: BindingKind;
  /** The identifier that declares it (absent for an implicit self). */
  decl?: L.Identifier;
  /** The function whose body declares it (undefined: the main chunk). */
  fn?: L.FunctionDeclaration;
  /** Identifier nodes that read it. */
  reads: L.Identifier[];
  /** Identifier nodes that assign it (after the declaration). */
  writes: L.Identifier[];
  /** Source offsets between which the name is visible (conservatively wide). */
  visibleFrom: number;
  visibleTo: number;
  /** Assigned inside a function other than the one that declares it: a guard cannot narrow it. */
  writtenFromClosure: boolean;
}

export interface FunctionInfo {
  node: L.FunctionDeclaration;
  params: Binding[];
  vararg: boolean;
  /** The body itself uses `...` (then Lua 5.1 sets the implicit `arg` to nil). */
  usesVararg: boolean;
  /** The implicit `arg` local of a vararg function. */
  arg?: Binding;
}

export interface Scopes {
  bindings: Binding[];
  /** Identifier node -> its binding; identifiers absent here are globals (or field names). */
  resolve: Map<L.Identifier, Binding>;
  /** Global identifier nodes, read or written. */
  globals: Array<{ node: L.Identifier; write: boolean }>;
  functions: Map<L.FunctionDeclaration, FunctionInfo>;
  /** The function (undefined: main chunk) each statement list belongs to, for return statements. */
  ownerOf: Map<L.ReturnStatement, L.FunctionDeclaration | undefined>;
  /** The function each `...` of a function body belongs to (the main chunk's are absent). */
  varargOwner: Map<Node, L.FunctionDeclaration>;
}

export function resolveScopes(chunk: Chunk): Scopes {
  const bindings: Binding[] = [];
  const resolve = new Map<L.Identifier, Binding>();
  const globals: Scopes['globals'] = [];
  const functions = new Map<L.FunctionDeclaration, FunctionInfo>();
  const ownerOf = new Map<L.ReturnStatement, L.FunctionDeclaration | undefined>();
  const varargOwner = new Map<Node, L.FunctionDeclaration>();
  const scopes: Array<Map<string, Binding>> = [new Map()];
  /** End offset of each open scope (the statement or function that owns it). */
  const scopeEnds: number[] = [rangeOf(chunk)[1] || Number.MAX_SAFE_INTEGER];
  let currentFn: L.FunctionDeclaration | undefined;

  const declare = (name: string, kind: BindingKind, decl?: L.Identifier, visibleFrom?: number): Binding => {
    const from = visibleFrom ?? (decl ? rangeOf(decl)[0] : 0);
    const to = scopeEnds[scopeEnds.length - 1] as number;
    const b: Binding = { id: bindings.length, name, kind, decl, fn: currentFn, reads: [], writes: [], visibleFrom: from, visibleTo: to, writtenFromClosure: false };
    bindings.push(b);
    (scopes[scopes.length - 1] as Map<string, Binding>).set(name, b);
    if (decl) resolve.set(decl, b);
    return b;
  };
  const lookup = (name: string): Binding | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const b = (scopes[i] as Map<string, Binding>).get(name);
      if (b) return b;
    }
    return undefined;
  };
  const reference = (id: L.Identifier, write: boolean): void => {
    const b = lookup(id.name);
    if (b) {
      resolve.set(id, b);
      (write ? b.writes : b.reads).push(id);
      if (write && b.fn !== currentFn) b.writtenFromClosure = true;
    } else {
      globals.push({ node: id, write });
    }
  };
  const withScope = (f: () => void, owner?: L.Node): void => {
    scopes.push(new Map());
    scopeEnds.push(owner ? rangeOf(owner)[1] : (scopeEnds[scopeEnds.length - 1] as number));
    try {
      f();
    } finally {
      scopes.pop();
      scopeEnds.pop();
    }
  };

  const block = (body: L.Statement[], owner: L.Node): void => withScope(() => body.forEach(statement), owner);

  const fnBody = (fn: L.FunctionDeclaration, selfParam: boolean): void => {
    const outer = currentFn;
    currentFn = fn;
    withScope(() => {
      const params: Binding[] = [];
      if (selfParam) params.push(declare('self', 'self', undefined, rangeOf(fn)[0]));
      let vararg = false;
      for (const p of fn.parameters) {
        if (p.type === 'Identifier') params.push(declare(p.name, 'param', p));
        else vararg = true;
      }
      const info: FunctionInfo = { node: fn, params, vararg, usesVararg: false };
      if (vararg) info.arg = declare('arg', 'arg', undefined, rangeOf(fn)[0]);
      functions.set(fn, info);
      fn.body.forEach(statement);
    }, fn);
    currentFn = outer;
  };

  const assignTarget = (target: L.Expression): void => {
    if (target.type === 'Identifier') reference(target, true);
    else expression(target);
  };

  function statement(s: L.Statement): void {
    switch (s.type) {
      case 'LocalStatement':
        s.init.forEach(expression);
        s.variables.forEach((v) => declare(v.name, 'local', v, rangeOf(s)[1]));
        return;
      case 'AssignmentStatement':
        s.init.forEach(expression);
        s.variables.forEach(assignTarget);
        return;
      case 'CallStatement':
        expression(s.expression);
        return;
      case 'FunctionDeclaration': {
        const id = s.identifier;
        if (s.isLocal && id?.type === 'Identifier') {
          declare(id.name, 'function', id);
          fnBody(s, false);
        } else {
          if (id?.type === 'Identifier') reference(id, true);
          else if (id) expression(id);
          fnBody(s, id?.type === 'MemberExpression' && id.indexer === ':');
        }
        return;
      }
      case 'ReturnStatement':
        ownerOf.set(s, currentFn);
        s.arguments.forEach(expression);
        return;
      case 'IfStatement':
        for (const clause of s.clauses) {
          if (clause.type !== 'ElseClause') expression(clause.condition);
          block(clause.body, s);
        }
        return;
      case 'WhileStatement':
        expression(s.condition);
        block(s.body, s);
        return;
      case 'DoStatement':
        block(s.body, s);
        return;
      case 'RepeatStatement':
        withScope(() => {
          s.body.forEach(statement);
          expression(s.condition);
        }, s);
        return;
      case 'ForNumericStatement':
        expression(s.start);
        expression(s.end);
        if (s.step) expression(s.step);
        withScope(() => {
          declare(s.variable.name, 'loop', s.variable);
          s.body.forEach(statement);
        }, s);
        return;
      case 'ForGenericStatement':
        s.iterators.forEach(expression);
        withScope(() => {
          s.variables.forEach((v) => declare(v.name, 'loop', v));
          s.body.forEach(statement);
        }, s);
        return;
      default:
        return; // break (goto and labels are not Lua 5.1)
    }
  }

  function expression(e: L.Expression): void {
    switch (e.type) {
      case 'Identifier':
        reference(e, false);
        return;
      case 'FunctionDeclaration':
        fnBody(e, false);
        return;
      case 'MemberExpression':
        expression(e.base);
        return;
      case 'IndexExpression':
        expression(e.base);
        expression(e.index);
        return;
      case 'CallExpression':
        expression(e.base);
        e.arguments.forEach(expression);
        return;
      case 'TableCallExpression':
        expression(e.base);
        expression(e.arguments);
        return;
      case 'StringCallExpression':
        expression(e.base);
        expression(e.argument);
        return;
      case 'TableConstructorExpression':
        for (const f of e.fields) {
          if (f.type === 'TableKey') expression(f.key);
          expression(f.value);
        }
        return;
      case 'BinaryExpression':
      case 'LogicalExpression':
        expression(e.left);
        expression(e.right);
        return;
      case 'UnaryExpression':
        expression(e.argument);
        return;
      case 'VarargLiteral': {
        const info = currentFn && functions.get(currentFn);
        if (info) info.usesVararg = true;
        if (currentFn) varargOwner.set(e, currentFn);
        return;
      }
      default:
        return; // literals
    }
  }

  chunk.body.forEach(statement);
  return { bindings, resolve, globals, functions, ownerOf, varargOwner };
}

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
