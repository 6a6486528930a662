// readContract: the `---` comment block before the first statement -> ScriptContract.
// Grammar (SPEC section 1):
//   ---@key [...]name [{tagged}] [text]      ---@arg [...]name type [text]
//   ---@return type [text]                   ---@name identifier
//   ---any other text                        (description)
// Every malformed line is an RL002 diagnostic pointing at the offending token.

import { rangeOf, type Comment, type ParsedLua } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import { wrapperNameProblem } from './wrapper-name.js';
import {
  formatArgType,
  ARG_TYPE_NAMES,
  RETURN_TYPE_NAMES,
  type ArgSpec,
  type ArgType,
  type KeySpec,
  type ReturnSpec,
  type ReturnType,
  type ScriptContract,
} from './contract.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

export interface ContractResult {
  contract: ScriptContract;
  diagnostics: Diagnostic[];
}

interface Line {
  /** Text after the leading `---`. */
  text: string;
  /** Offset of text[0] in the source. */
  at: number;
}

class ContractError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function readContract(file: SourceFile, parsed: ParsedLua): ContractResult {
  const diagnostics: Diagnostic[] = [];
  const firstStatement = parsed.ast.body[0];
  const limit = firstStatement ? rangeOf(firstStatement)[0] : Infinity;
  const lines = parsed.comments
    .filter((c) => rangeOf(c)[0] < limit && isDocComment(c))
    .map((c): Line => ({ text: c.raw.slice(3), at: rangeOf(c)[0] + 3 }));

  const contract: ScriptContract = {
    declared: false,
    description: [],
    keys: [],
    args: [],
    returns: { type: { kind: 'any' }, description: '', start: 0, end: 0 },
  };
  let sawReturn = false;
  const names = new Map<string, string>();

  for (const line of lines) {
    try {
      const tag = /^@(\S*)/.exec(line.text);
      if (!tag) {
        contract.description.push(line.text.replace(/^ /, '').trimEnd());
        continue;
      }
      const tagName = tag[1] as string;
      const rest = new Cursor(line.text, line.at, tag[0].length);
      switch (tagName) {
        case 'key': {
          contract.declared = true;
          const key = readKey(rest);
          claimName(names, key, 'key');
          contract.keys.push(key);
          break;
        }
        case 'arg': {
          contract.declared = true;
          const arg = readArg(rest);
          claimName(names, arg, 'arg');
          contract.args.push(arg);
          break;
        }
        case 'return': {
          contract.declared = true;
          const ret = readReturn(rest);
          if (sawReturn) {
            throw new ContractError('a second ---@return: a script has one return type', line.at, line.at + line.text.length, 'keep one ---@return line; use a tuple such as [integer, string] for several values');
          }
          sawReturn = true;
          contract.returns = ret;
          break;
        }
        case 'name': {
          const name = readWrapperName(rest);
          if (contract.name) {
            throw new ContractError('a second ---@name', name.start, name.end, 'keep one ---@name line');
          }
          contract.name = name;
          break;
        }
        default:
          if (LUALS_TAGS.has(tagName)) break; // the Lua language server's own annotations
          throw new ContractError(
            `unknown annotation '@${tagName}'`,
            line.at,
            line.at + tag[0].length,
            'use ---@key, ---@arg, ---@return or ---@name (Lua language server tags such as ---@type and ---@param are ignored); start the line with "--- " (a space) for description text',
          );
      }
    } catch (e) {
      if (!(e instanceof ContractError)) throw e;
      diagnostics.push(
        makeDiagnostic(file, { rule: 'bad-annotation', start: e.start, end: e.end, message: e.message, hint: e.hint }),
      );
    }
  }
  checkVariadicsLast(file, contract.keys, '---@key', diagnostics);
  checkVariadicsLast(file, contract.args, '---@arg', diagnostics);
  while (contract.description.length && contract.description[contract.description.length - 1] === '') contract.description.pop();
  return { contract, diagnostics };
}

/** Annotations of the Lua language server (LuaLS/EmmyLua): common in real scripts, ignored here. */
const LUALS_TAGS = new Set([
  'alias', 'as', 'async', 'cast', 'class', 'deprecated', 'diagnostic', 'enum', 'field', 'generic', 'language', 'meta',
  'module', 'nodiscard', 'operator', 'overload', 'package', 'param', 'private', 'protected', 'public', 'readonly', 'see',
  'source', 'type', 'vararg', 'version',
]);

function isDocComment(c: Comment): boolean {
  // `---` cannot open a long comment (that needs `--[`), so this is always a line comment.
  return c.raw.startsWith('---');
}

function claimName(names: Map<string, string>, spec: { name: string; start: number; end: number }, what: string): void {
  const previous = names.get(spec.name);
  if (previous) {
    throw new ContractError(
      `'${spec.name}' is already declared as ${previous === 'key' ? 'a key' : 'an arg'}`,
      spec.start,
      spec.end,
      'keys and args share one params object: give each a distinct name',
    );
  }
  names.set(spec.name, what);
}

function checkVariadicsLast(
  file: SourceFile,
  specs: readonly (KeySpec | ArgSpec)[],
  tag: string,
  diagnostics: Diagnostic[],
): void {
  specs.forEach((spec, i) => {
    if (spec.variadic && i !== specs.length - 1) {
      diagnostics.push(
        makeDiagnostic(file, {
          rule: 'bad-annotation',
          start: spec.start,
          end: spec.end,
          message: `variadic '...${spec.name}' must be the last ${tag}`,
          hint: `move the ${tag} ...${spec.name} line after the other ${tag} lines`,
        }),
      );
    }
  });
}

/** A cursor over one annotation line, tracking source offsets for diagnostics. */
class Cursor {
  constructor(
    readonly text: string,
    readonly base: number,
    public pos: number,
  ) {}

  get offset(): number {
    return this.base + this.pos;
  }

  skipSpace(): number {
    const m = /^\s*/.exec(this.text.slice(this.pos)) as RegExpExecArray;
    this.pos += m[0].length;
    return m[0].length;
  }

  match(re: RegExp): string | undefined {
    const m = re.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** The next word (after any spaces), without consuming it. */
  peekWord(): { text: string; start: number; end: number } {
    const m = /^(\s*)(\S*)/.exec(this.text.slice(this.pos)) as RegExpExecArray;
    const start = this.offset + (m[1] as string).length;
    const word = m[2] as string;
    return { text: word, start, end: start + Math.max(1, word.length) };
  }

  rest(): string {
    return this.text.slice(this.pos).trim();
  }

  /** Require whitespace (or the end) after a token, then return the remaining text. */
  description(what: string): string {
    if (this.pos < this.text.length && this.skipSpace() === 0) {
      const w = this.peekWord();
      throw new ContractError(`unexpected '${w.text}' after the ${what}`, w.start, w.end, 'separate the description from the annotation with a space');
    }
    return this.rest();
  }
}

function readName(c: Cursor, tag: string): { name: string; variadic: boolean; start: number; end: number } {
  if (c.skipSpace() === 0 && c.pos < c.text.length) {
    const w = c.peekWord();
    throw new ContractError(`expected a space after ---@${tag}`, w.start, w.end, `write ---@${tag} name ...`);
  }
  const start = c.offset;
  const variadic = c.match(/^\.\.\./) !== undefined;
  const name = c.match(IDENT);
  if (!name) {
    const w = c.peekWord();
    throw new ContractError(
      w.text ? `'${w.text}' is not a valid ${tag} name` : `---@${tag} needs a name`,
      w.start,
      w.end,
      `a name is a Lua/TypeScript identifier such as ${tag === 'key' ? 'window' : 'limit'}; write ---@${tag} ${tag === 'key' ? 'name [text]' : 'name type [text]'}`,
    );
  }
  const after = c.text[c.pos];
  if (after !== undefined && !/\s/.test(after)) {
    const w = c.peekWord();
    throw new ContractError(`'${name}${w.text}' is not a valid ${tag} name`, start, w.end, 'names contain only letters, digits and _');
  }
  if (name === '__proto__') {
    throw new ContractError(
      `'__proto__' cannot be a ${tag} name: in an object literal, { __proto__: value } sets the prototype instead of a field`,
      start,
      c.offset,
      `choose another name for this ${tag}`,
    );
  }
  return { name, variadic, start, end: c.offset };
}

function readKey(c: Cursor): KeySpec {
  const { name, variadic, start, end } = readName(c, 'key');
  const save = c.pos;
  c.skipSpace();
  let tagged = false;
  const brace = c.peekWord();
  if (brace.text.startsWith('{')) {
    if (brace.text !== '{tagged}') {
      throw new ContractError(`unknown key tag '${brace.text}'`, brace.start, brace.end, "the only key tag is {tagged}: ---@key name {tagged} [text]");
    }
    c.match(/^\S+/);
    tagged = true;
  } else {
    c.pos = save;
  }
  return { name, variadic, tagged, description: c.description('key name'), start, end };
}

function readArg(c: Cursor): ArgSpec {
  const { name, variadic, start, end } = readName(c, 'arg');
  if (c.skipSpace() === 0 || c.pos >= c.text.length) {
    throw new ContractError(
      `---@arg ${name} needs a type`,
      start,
      end,
      `write ---@arg ${variadic ? '...' : ''}${name} <type> [text]; types: ${ARG_TYPE_NAMES.join(', ')}, or a union of string literals such as 'asc'|'desc'`,
    );
  }
  // A tagged prefix: `---@arg prefix {tagged}` (a string that carries a hash tag; keys built
  // from it share its slot). `---@arg prefix string {tagged}` says the same.
  if (c.peekWord().text === '{tagged}') {
    c.match(/^\S+/);
    return { name, variadic, type: { kind: 'string' }, tagged: true, description: c.description('tag'), start, end };
  }
  const type = readArgType(c);
  const save = c.pos;
  c.skipSpace();
  const tag = c.peekWord();
  if (tag.text === '{tagged}') {
    if (type.kind !== 'string') {
      throw new ContractError(`a {tagged} arg is a string prefix, not ${formatArgType(type)}`, tag.start, tag.end, `write ---@arg ${name} {tagged} [text]`);
    }
    c.match(/^\S+/);
    return { name, variadic, type, tagged: true, description: c.description('tag'), start, end };
  }
  c.pos = save;
  return { name, variadic, type, tagged: false, description: c.description('type'), start, end };
}

function readArgType(c: Cursor): ArgType {
  const start = c.offset;
  if (c.text[c.pos] === "'") {
    const union = c.match(/^'[^']*'(?:\s*\|\s*'[^']*')*/);
    if (!union) {
      const w = c.peekWord();
      throw new ContractError(`unterminated string literal in the type '${w.text}'`, w.start, w.end, "write a literal union as 'asc'|'desc'");
    }
    const values = [...union.matchAll(/'([^']*)'/g)].map((m) => m[1] as string);
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) throw new ContractError(`'${dup}' appears twice in the union`, start, c.offset, 'list each literal once');
    if (c.text[c.pos] !== undefined && !/\s/.test(c.text[c.pos] as string)) {
      const w = c.peekWord();
      throw new ContractError(`unexpected '${w.text}' in the type`, w.start, w.end, "write a literal union as 'asc'|'desc' (each value in single quotes)");
    }
    return { kind: 'literal', values };
  }
  const w = c.peekWord();
  if (!(ARG_TYPE_NAMES as readonly string[]).includes(w.text)) {
    const hint = w.text.endsWith('[]')
      ? `for a list of values write ---@arg ...name ${w.text.slice(0, -2)} (variadic, last)`
      : `types: ${ARG_TYPE_NAMES.join(', ')}, or a union of string literals such as 'asc'|'desc'`;
    throw new ContractError(`unknown type '${w.text}'`, w.start, w.end, hint);
  }
  c.match(/^\S+/);
  return { kind: w.text } as ArgType;
}

function readReturn(c: Cursor): ReturnSpec {
  if (c.skipSpace() === 0 || c.pos >= c.text.length) {
    throw new ContractError('---@return needs a type', c.base, c.offset, `write ---@return <type> [text]; types: ${RETURN_TYPE_NAMES.join(', ')}, T?, T[], [T1, T2]`);
  }
  const start = c.offset;
  const type = readReturnType(c);
  const end = c.offset;
  return { type, description: c.description('return type'), start, end };
}

/** Past this many levels of tuples, parentheses and arrays, a return type is refused (a wrapper type that deep helps no one, and every later phase would recurse through it). */
export const MAX_TYPE_DEPTH = 32;

function tooDeep(start: number): ContractError {
  return new ContractError(`the return type nests more than ${MAX_TYPE_DEPTH} levels`, start, start + 1, 'describe the reply with fewer levels of tuples and arrays, or declare any');
}

function readReturnType(c: Cursor, depth = 0): ReturnType {
  let type: ReturnType;
  const start = c.offset;
  if (depth > MAX_TYPE_DEPTH) throw tooDeep(start);
  if (c.match(/^\[\s*/) !== undefined) {
    const items: ReturnType[] = [readReturnType(c, depth + 1)];
    while (c.match(/^\s*,\s*/) !== undefined) items.push(readReturnType(c, depth + 1));
    if (c.match(/^\s*\]/) === undefined) {
      const w = c.peekWord();
      throw new ContractError(`expected ',' or ']' in the tuple type, found '${w.text || 'end of line'}'`, w.start, w.end, 'write a tuple as [integer, string]');
    }
    type = { kind: 'tuple', items };
  } else if (c.match(/^\(\s*/) !== undefined) {
    type = readReturnType(c, depth + 1);
    if (c.match(/^\s*\)/) === undefined) {
      const w = c.peekWord();
      throw new ContractError(`expected ')' in the return type, found '${w.text || 'end of line'}'`, w.start, w.end, 'write (string?)[] for an array of optional strings');
    }
  } else {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(c.text.slice(c.pos));
    const word = m ? m[0] : (/^[^\s,\]?[]*/.exec(c.text.slice(c.pos)) as RegExpExecArray)[0];
    if (!(RETURN_TYPE_NAMES as readonly string[]).includes(word)) {
      const hint =
        word === 'number'
          ? 'Redis converts a returned Lua number to an integer, truncating it (3.99 -> 3): declare integer, or return tostring(x) and declare string'
          : `return types: ${RETURN_TYPE_NAMES.join(', ')}, T? (T or null), T[] (array), [T1, T2] (tuple)`;
      throw new ContractError(`unknown return type '${word}'`, start, start + Math.max(1, word.length), hint);
    }
    c.pos += word.length;
    type = { kind: word } as ReturnType;
  }
  for (let arrays = depth; ; ) {
    if (c.match(/^\[\]/) !== undefined) {
      if (++arrays > MAX_TYPE_DEPTH) throw tooDeep(c.offset - 2);
      type = { kind: 'array', of: type };
    }
    else if (c.match(/^\?/) !== undefined) type = type.kind === 'optional' ? type : { kind: 'optional', of: type };
    else break;
  }
  return type;
}

function readWrapperName(c: Cursor): { value: string; start: number; end: number } {
  c.skipSpace();
  const w = c.peekWord();
  const problem = wrapperNameProblem(w.text);
  if (problem) {
    throw new ContractError(
      w.text ? `'${w.text}' cannot be a wrapper name: ${problem}` : '---@name needs an identifier',
      w.start,
      w.end,
      'choose another ---@name: an identifier such as slidingWindow',
    );
  }
  c.match(/^\S+/);
  const extra = c.rest();
  if (extra) {
    const next = c.peekWord();
    throw new ContractError(`unexpected '${extra}' after ---@name ${w.text}`, next.start, next.start + extra.length, '---@name takes one identifier and nothing else');
  }
  return { value: w.text, start: w.start, end: w.end };
}
