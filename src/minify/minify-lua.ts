// minifyLua: a parsed script -> the smallest text we can prove does the same, plus a line map.
// - Comments and needless whitespace go; a newline separates statements from different
//   source lines (it costs what a space costs), so every statement starts on an output line
//   that maps to its source line: lineMap[outputLine - 1] = sourceLine.
// - Parentheses are printed from Lua 5.1's precedence table, plus the ones the source put
//   around a call or `...` (they truncate a list of values to one); strings and numbers are
//   printed exactly as written (raw), so they read back as the same value.
// - Locals are renamed by binding (see rename.ts); globals, fields and `self` never are.
// - The shebang line is kept byte for byte as line 1.
// Deterministic: a pure function of the text.

import type * as L from 'luaparse';
import type { ParsedLua } from '../parse/parse-lua.js';
import { rangeOf } from '../parse/parse-lua.js';
import type { Binding, Scopes } from '../analyze/scope.js';
import { resolveScopes } from '../analyze/scope.js';
import { renameLocals } from './rename.js';
import { parenCounter } from '../parse/parens.js';
import { computeLineStarts, lineAt } from '../source/source-file.js';

export interface MinifiedLua {
  text: string;
  /** lineMap[n - 1] is the source line of output line n. */
  lineMap: number[];
  /**
   * Each renamed local: [name in the output, name in the source, first and last output line
   * it is printed on], so Lua's run-time errors (`local 'a'`) can be told in source names.
   */
  localNames: Array<[string, string, number, number]>;
}

// Lua 5.1 binary operator priorities (lparser.c): [left, right].
const PRIORITY: Record<string, [number, number]> = {
  '+': [6, 6], '-': [6, 6], '*': [7, 7], '/': [7, 7], '%': [7, 7],
  '^': [10, 9], '..': [5, 4],
  '==': [3, 3], '~=': [3, 3], '<': [3, 3], '<=': [3, 3], '>': [3, 3], '>=': [3, 3],
  and: [2, 2], or: [1, 1],
};
const UNARY_PRIORITY = 8;

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Line breaks in a token, counted as Lua counts them. */
function countLineBreaks(s: string): number {
  return computeLineStarts(s).length - 1;
}

export function minifyLua(text: string, parsed: ParsedLua, shebangEnd: number, scopes: Scopes = resolveScopes(parsed.ast)): MinifiedLua {
  const names = renameLocals(scopes);
  const renamed = new Map<Binding, [string, string, number, number]>();
  const starts = computeLineStarts(text);
  const lineOf = (offset: number) => lineAt(starts, offset);
  const parens = parenCounter(text, parsed);

  // The text is built as a list of pieces (appending to one string and reading its last
  // character flattens it every time: quadratic on big scripts).
  const pieces: string[] = [];
  /** The last character written, or undefined before anything is. */
  let lastChar: string | undefined;
  const write = (s: string): void => {
    if (!s) return;
    pieces.push(s);
    lastChar = s[s.length - 1];
  };
  const lineMap: number[] = [];
  /** Source line of the statement that opened the current output line. */
  let currentSourceLine = 0;

  if (shebangEnd > 0) {
    const nl = text.indexOf('\n');
    write(text.slice(0, nl + 1)); // the shebang line and its own line break, byte for byte
    lineMap.push(1);
    currentSourceLine = 1;
  }

  /** True until the first statement of the current block has started (Lua 5.1 allows no `;` there). */
  let atBlockStart = true;
  /** The last token was a numeric literal: a letter, digit or '.' after it would extend it (3. then). */
  let afterNumber = false;

  const emit = (token: string, sourceLine?: number, isNumber = false): void => {
    if (!token) return;
    if (lastChar !== undefined && lastChar !== '\n' && (needsSpace(lastChar, token) || (afterNumber && /^[A-Za-z0-9_.]/.test(token)))) write(' ');
    write(token);
    afterNumber = isNumber;
    // A raw token (long string, escaped newline) may span lines: map each to its source line.
    const breaks = countLineBreaks(token);
    for (let i = 1; i <= breaks; i++) lineMap.push((sourceLine ?? currentSourceLine) + i);
    if (breaks) currentSourceLine = (sourceLine ?? currentSourceLine) + breaks;
  };

  /** Starts a statement: on a new output line when it comes from another source line. */
  const startStatement = (node: L.Node, startsWithParen: boolean): void => {
    const line = lineOf(rangeOf(node)[0]);
    // `a = b` then `(f)()` would read as the call b(f)() (and across lines Lua 5.1 calls it
    // ambiguous syntax): separate them with `;`, which Lua 5.1 allows only after a statement.
    if (startsWithParen && !atBlockStart) write(';');
    atBlockStart = false;
    if (line !== currentSourceLine) {
      if (lastChar !== undefined && lastChar !== '\n') write('\n');
      lineMap.push(line);
      currentSourceLine = line;
    }
  };

  function needsSpace(a: string, token: string): boolean {
    const b = token[0] as string;
    if (isWordChar(a) && isWordChar(b)) return true;
    if (a === '-' && b === '-') return true; // would start a comment
    if (a === '[' && (b === '[' || b === '=')) return true; // would start a long string
    if (a === '.' && (b === '.' || /[0-9]/.test(b))) return true; // .. . / ..5
    if ((a === '<' || a === '>' || a === '=' || a === '~') && b === '=') return true;
    return false;
  }

  // ---- expressions --------------------------------------------------------------------

  /** Whether the source wrapped the expression in parentheses (only asked for calls and `...`). */
  const sourceParens = (e: L.Node, parentCall?: L.Node): boolean => parens(e, parentCall !== undefined) > 0;

  function name(id: L.Identifier): string {
    const sent = names.get(id);
    if (sent === undefined || sent === id.name) return id.name;
    const line = Math.max(lineMap.length, 1);
    const binding = scopes.resolve.get(id) as Binding;
    const entry = renamed.get(binding);
    if (entry) entry[3] = Math.max(entry[3], line);
    else renamed.set(binding, [sent, id.name, line, line]);
    return sent;
  }

  /** Prints an expression; `context` says whether a call/vararg here would expand to many values. */
  function expr(e: L.Expression, soleCallArgOf?: L.Node): void {
    const truncating = (e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression' || e.type === 'VarargLiteral') && sourceParens(e, soleCallArgOf);
    if (truncating) {
      emit('(');
      exprInner(e);
      emit(')');
      return;
    }
    exprInner(e);
  }

  /** A call or index base: a prefix expression as is (a base takes one value anyway), anything else in parentheses. */
  function prefix(e: L.Expression): void {
    if (isPrefixExpression(e)) exprInner(e);
    else {
      emit('(');
      exprInner(e);
      emit(')');
    }
  }

  function operand(e: L.Expression, needParens: boolean): void {
    if (needParens) {
      emit('(');
      exprInner(e);
      emit(')');
    } else expr(e);
  }

  function exprInner(e: L.Expression): void {
    switch (e.type) {
      case 'Identifier':
        emit(name(e));
        return;
      case 'StringLiteral':
        emit(e.raw, lineOf(rangeOf(e)[0]));
        return;
      case 'NumericLiteral':
        emit(shortestNumber(e.raw, e.value), lineOf(rangeOf(e)[0]), true);
        return;
      case 'BooleanLiteral':
        emit(e.value ? 'true' : 'false');
        return;
      case 'NilLiteral':
        emit('nil');
        return;
      case 'VarargLiteral':
        emit('...');
        return;
      case 'FunctionDeclaration':
        functionBody(e, 'function');
        return;
      case 'TableConstructorExpression':
        emit('{');
        e.fields.forEach((f, i) => {
          if (i) emit(',');
          if (f.type === 'TableKey') {
            emit('[');
            expr(f.key);
            emit(']');
            emit('=');
          } else if (f.type === 'TableKeyString') {
            emit(f.key.name);
            emit('=');
          }
          expr(f.value);
        });
        emit('}');
        return;
      case 'BinaryExpression':
      case 'LogicalExpression': {
        // Lua reads `A op B` as subexpr(limit): A, then op, then subexpr(op.right) for B.
        // A binary left child (op2) would swallow op when op.left > op2.right; a unary left
        // child when op.left > UNARY_PRIORITY (only ^). A binary right child (op2) stops
        // before op2 unless op2.left > op.right.
        const [l, r] = PRIORITY[e.operator] as [number, number];
        const left = e.left;
        const right = e.right;
        operand(left, isBinary(left) ? l > (PRIORITY[left.operator] as [number, number])[1] : left.type === 'UnaryExpression' ? l > UNARY_PRIORITY : false);
        emit(e.operator);
        operand(right, isBinary(right) ? (PRIORITY[right.operator] as [number, number])[0] <= r : false);
        return;
      }
      case 'UnaryExpression': {
        emit(e.operator);
        // The operand is read by subexpr(UNARY_PRIORITY): it keeps a binary op only if op.left > 8 (^).
        const a = e.argument;
        operand(a, isBinary(a) && (PRIORITY[a.operator] as [number, number])[0] <= UNARY_PRIORITY);
        return;
      }
      case 'MemberExpression':
        prefix(e.base);
        emit(e.indexer);
        emit(e.identifier.name);
        return;
      case 'IndexExpression':
        prefix(e.base);
        emit('[');
        expr(e.index);
        emit(']');
        return;
      case 'CallExpression':
        prefix(e.base);
        emit('(');
        e.arguments.forEach((a, i) => {
          if (i) emit(',');
          expr(a, e.arguments.length === 1 ? e : undefined);
        });
        emit(')');
        return;
      case 'StringCallExpression':
        prefix(e.base);
        exprInner(e.argument);
        return;
      case 'TableCallExpression':
        prefix(e.base);
        exprInner(e.arguments);
        return;
      default:
        throw new Error(`minify: unexpected expression ${(e as L.Node).type}`);
    }
  }


  function exprList(list: L.Expression[]): void {
    list.forEach((x, i) => {
      if (i) emit(',');
      expr(x);
    });
  }

  function functionBody(f: L.FunctionDeclaration, head: string, printName?: () => void): void {
    emit(head);
    printName?.();
    emit('(');
    f.parameters.forEach((p, i) => {
      if (i) emit(',');
      emit(p.type === 'Identifier' ? name(p) : '...');
    });
    emit(')');
    block(f.body);
    emit('end');
  }

  // ---- statements -----------------------------------------------------------------------

  /** Whether the printed statement begins with `(` (its leftmost base is not a prefix expression). */
  function startsWithParen(s: L.Statement): boolean {
    let e: L.Expression | undefined = s.type === 'CallStatement' ? s.expression : s.type === 'AssignmentStatement' ? s.variables[0] : undefined;
    while (e && (e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression' || e.type === 'MemberExpression' || e.type === 'IndexExpression')) {
      if (!isPrefixExpression(e.base)) return true;
      e = e.base;
    }
    return false;
  }

  function block(body: L.Statement[]): void {
    atBlockStart = true;
    for (const s of body) statement(s);
    atBlockStart = false;
  }

  function statement(s: L.Statement): void {
    startStatement(s, startsWithParen(s));
    switch (s.type) {
      case 'LocalStatement':
        emit('local');
        s.variables.forEach((v, i) => {
          if (i) emit(',');
          emit(name(v));
        });
        if (s.init.length) {
          emit('=');
          exprList(s.init);
        }
        return;
      case 'AssignmentStatement':
        exprList(s.variables);
        emit('=');
        exprList(s.init);
        return;
      case 'CallStatement':
        expr(s.expression);
        return;
      case 'FunctionDeclaration':
        if (s.isLocal) emit('local');
        functionBody(s, 'function', () => {
          if (s.isLocal) emit(name(s.identifier as L.Identifier));
          else if (s.identifier) exprInner(s.identifier);
        });
        return;
      case 'ReturnStatement':
        emit('return');
        exprList(s.arguments);
        return;
      case 'BreakStatement':
        emit('break');
        return;
      case 'IfStatement':
        s.clauses.forEach((c) => {
          if (c.type === 'IfClause' || c.type === 'ElseifClause') {
            emit(c.type === 'IfClause' ? 'if' : 'elseif');
            expr(c.condition);
            emit('then');
          } else emit('else');
          block(c.body);
        });
        emit('end');
        return;
      case 'WhileStatement':
        emit('while');
        expr(s.condition);
        emit('do');
        block(s.body);
        emit('end');
        return;
      case 'DoStatement':
        emit('do');
        block(s.body);
        emit('end');
        return;
      case 'RepeatStatement':
        emit('repeat');
        block(s.body);
        emit('until');
        expr(s.condition);
        return;
      case 'ForNumericStatement':
        emit('for');
        emit(name(s.variable));
        emit('=');
        expr(s.start);
        emit(',');
        expr(s.end);
        if (s.step) {
          emit(',');
          expr(s.step);
        }
        emit('do');
        block(s.body);
        emit('end');
        return;
      case 'ForGenericStatement':
        emit('for');
        s.variables.forEach((v, i) => {
          if (i) emit(',');
          emit(name(v));
        });
        emit('in');
        exprList(s.iterators);
        emit('do');
        block(s.body);
        emit('end');
        return;
      default:
        throw new Error(`minify: unexpected statement ${(s as L.Node).type}`);
    }
  }

  block(parsed.ast.body);
  if (lastChar !== undefined && lastChar !== '\n' && lineMap.length === 0) lineMap.push(1);
  return { text: pieces.join(''), lineMap, localNames: [...renamed.values()] };
}

/**
 * The shortest decimal spelling that reads back as the same double (Lua 5.1 reads numbers
 * with strtod; JavaScript's shortest round-trip formatting gives the same double), or the
 * source spelling when it is not longer.
 */
export function shortestNumber(raw: string, value: number): string {
  if (!Number.isFinite(value)) return raw;
  let s = String(value).replace(/^0\./, '.').replace('e+', 'e');
  if (/^\d+000+$/.test(s)) {
    const zeros = (/0+$/.exec(s) as RegExpExecArray)[0].length;
    const exp = `${s.slice(0, -zeros)}e${zeros}`;
    if (exp.length < s.length) s = exp;
  }
  return Number(s) === value && s.length < raw.length ? s : raw;
}

function isPrefixExpression(e: L.Expression): boolean {
  return e.type === 'Identifier' || e.type === 'MemberExpression' || e.type === 'IndexExpression' || e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression';
}

function isBinary(e: L.Expression): e is L.BinaryExpression | L.LogicalExpression {
  return e.type === 'BinaryExpression' || e.type === 'LogicalExpression';
}
