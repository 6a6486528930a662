// What each redis.call / redis.pcall names: the command (resolved at build time when its
// name is a literal), its table entry, and which arguments are keys, computed from the
// command table's key specs the way Redis' COMMAND GETKEYS does (index / keyword begin
// searches, range / keynum key finding), on the abstract argument list.

import type * as L from 'luaparse';
import { commandTable, lookupCommand, type CommandInfo, type CommandTable, type KeySpec } from './data/index.js';
import type { RedisCallFact, Value, ValueList, ValueSet } from './values/index.js';

export interface ArgRef {
  /** 0 = the command name. For the `rest` of a list (unpack, varargs) index is -1. */
  index: number;
  values: ValueSet;
  node: L.Expression | undefined;
}

export interface ResolvedCommand {
  /** Table entry name, lowercase: `get`, `object|encoding`. */
  name: string;
  info: CommandInfo | undefined;
  /** Why the subcommand could not be resolved, if it could not. */
  subcommandProblem?: 'dynamic' | 'unknown';
  subcommand?: string;
  keys: ArgRef[];
  /** Non-key arguments after the name (and subcommand). */
  others: ArgRef[];
  /** Set when the key positions cannot be decided (keys then include every undecided argument). */
  undecided?: string;
  /** SORT BY/GET with a pattern. */
  sortPattern?: { option: string; node: L.Expression | undefined };
  /** XREAD/XREADGROUP BLOCK. */
  blocking?: L.Expression;
  arity?: { expected: string; got: string };
}

export interface ResolvedCall {
  fact: RedisCallFact;
  /** Undefined when the name is not a literal known at build time. */
  commands: ResolvedCommand[] | undefined;
  nameNode: L.Expression | undefined;
}

const literalOf = (values: ValueSet | undefined): string[] | undefined => {
  if (!values || values.size === 0) return undefined;
  const out: string[] = [];
  for (const v of values) {
    if (v.kind !== 'literal') return undefined;
    out.push(v.text);
  }
  return out;
};

const isNumberOnly = (values: ValueSet): boolean => values.values().every((v) => v.kind === 'number');
const mayBeWord = (values: ValueSet, word: string): boolean =>
  values.some((v) =>
    v.kind === 'literal' ? v.text.toLowerCase() === word.toLowerCase() : v.kind !== 'number' && v.kind !== 'key' && !(v.kind === 'derived' && v.base === 'key'),
  );

export function resolveCalls(facts: readonly RedisCallFact[], table: CommandTable = commandTable()): ResolvedCall[] {
  return facts.map((fact) => {
    const nameValues = fact.args.fixed[0];
    const names = literalOf(nameValues);
    if (!names) return { fact, commands: undefined, nameNode: fact.argNodes[0] };
    const commands = [...new Set(names.map((n) => n.toLowerCase()))].map((n) => resolveCommand(table, n, fact.args, fact.argNodes));
    return { fact, commands, nameNode: fact.argNodes[0] };
  });
}

function argRefs(args: ValueList, nodes: readonly L.Expression[]): ArgRef[] {
  return args.fixed.map((values, index) => ({ index, values, node: nodes[Math.min(index, nodes.length - 1)] }));
}

function resolveCommand(table: CommandTable, name: string, args: ValueList, nodes: readonly L.Expression[]): ResolvedCommand {
  const top = lookupCommand(table, name);
  const refs = argRefs(args, nodes);
  const restRef: ArgRef | undefined = args.rest ? { index: -1, values: args.rest, node: nodes[nodes.length - 1] } : undefined;
  if (!top) return { name, info: undefined, keys: [], others: [] };
  let info: CommandInfo = top;
  let entry = name;
  const result: ResolvedCommand = { name, info: top, keys: [], others: [] };
  if (top.subcommands?.length) {
    const sub = literalOf(args.fixed[1]);
    if (args.fixed.length < 2 && !args.rest) {
      result.arity = { expected: `a subcommand (${top.subcommands.join(', ')})`, got: 'none' };
      return result;
    }
    if (!sub || sub.length !== 1) {
      result.subcommandProblem = 'dynamic';
      result.keys = [...refs.slice(1), ...(restRef ? [restRef] : [])];
      result.undecided = 'the subcommand is not known at build time';
      return result;
    }
    const subInfo = lookupCommand(table, `${name}|${(sub[0] as string).toLowerCase()}`);
    if (!subInfo) {
      result.subcommandProblem = 'unknown';
      result.subcommand = sub[0];
      return result;
    }
    info = subInfo;
    entry = subInfo.name;
    result.subcommand = sub[0];
  }
  result.name = entry;
  result.info = info;
  // Through varargs, positions are the union of every call site: counts mean nothing.
  if (!nodes.some((n) => n.type === 'VarargLiteral')) result.arity = checkArity(info, args);
  const firstArg = top.subcommands?.length ? 2 : 1;
  const keyIndexes = new Set<number>();
  let restIsKey = false;
  const undecided = (why: string) => {
    result.undecided ??= why;
    for (let i = firstArg; i < refs.length; i++) keyIndexes.add(i);
    restIsKey = true;
  };
  const argc = refs.length;
  for (const spec of info.keySpecs) {
    const start = beginSearch(spec, refs, !!restRef, entry, undecided);
    if (start === undefined) continue;
    findKeys(spec, start, refs, !!restRef, keyIndexes, (v) => (restIsKey ||= v), undecided, argc);
  }
  if (entry === 'sort' || entry === 'sort_ro') sortOptions(refs, !!restRef, keyIndexes, result, undecided);
  if (entry === 'xread' || entry === 'xreadgroup') {
    const block = refs.find((r) => r.index > 0 && literalOf(r.values)?.some((t) => t.toLowerCase() === 'block'));
    if (block) result.blocking = block.node;
  }
  for (const r of refs) {
    if (r.index === 0 || (top.subcommands?.length && r.index === 1)) continue;
    (keyIndexes.has(r.index) ? result.keys : result.others).push(r);
  }
  if (restRef) (restIsKey ? result.keys : result.others).push(restRef);
  return result;
}

function checkArity(info: CommandInfo, args: ValueList): ResolvedCommand['arity'] {
  const argc = args.fixed.length;
  const open = !!args.rest;
  if (info.arity > 0) {
    if ((!open && argc !== info.arity) || (open && argc > info.arity)) {
      return { expected: `exactly ${info.arity - 1} argument${info.arity === 2 ? '' : 's'}`, got: `${argc - 1}${open ? ' or more' : ''}` };
    }
  } else if (!open && argc < -info.arity) {
    return { expected: `at least ${-info.arity - 1} argument${info.arity === -2 ? '' : 's'}`, got: String(argc - 1) };
  }
  return undefined;
}

function beginSearch(spec: KeySpec, refs: ArgRef[], open: boolean, entry: string, undecided: (why: string) => void): number | undefined {
  const bs = spec.beginSearch;
  if (bs.type === 'index') return bs.spec.index;
  if (bs.type === 'unknown') return undefined; // SORT: handled by sortOptions
  const { keyword, startfrom } = bs.spec;
  if (startfrom < 0) {
    if (open) {
      undecided(`the ${keyword} keyword of ${entry.toUpperCase()} is searched from the end of an argument list of unknown length`);
      return undefined;
    }
    for (let i = refs.length + startfrom; i >= 1; i--) {
      const r = refs[i] as ArgRef;
      if (literalOf(r.values)?.some((t) => t.toLowerCase() === keyword.toLowerCase())) return i + 1;
      if (mayBeWord(r.values, keyword)) {
        undecided(`an argument of ${entry.toUpperCase()} that is not a literal may be the ${keyword} keyword`);
        return undefined;
      }
    }
    return undefined;
  }
  for (let i = startfrom; i < refs.length; i++) {
    const r = refs[i] as ArgRef;
    if (literalOf(r.values)?.some((t) => t.toLowerCase() === keyword.toLowerCase())) return i + 1;
    // A value right after a literal option word (COUNT ARGV[1]) is that option's value.
    const previous = literalOf(refs[i - 1]?.values);
    if (i > startfrom && previous?.every((w) => /^[A-Za-z]+$/.test(w))) continue;
    if (mayBeWord(r.values, keyword)) {
      undecided(`an argument of ${entry.toUpperCase()} that is not a literal may be the ${keyword} keyword`);
      return undefined;
    }
  }
  if (open) undecided(`the ${keyword} keyword of ${entry.toUpperCase()} may be in an argument list of unknown length`);
  return undefined;
}

function findKeys(
  spec: KeySpec,
  start: number,
  refs: ArgRef[],
  open: boolean,
  keys: Set<number>,
  setRestIsKey: (v: boolean) => void,
  undecided: (why: string) => void,
  argc: number,
): void {
  const fk = spec.findKeys;
  if (fk.type === 'range') {
    const { lastkey, keystep, limit } = fk.spec;
    if (lastkey >= 0) {
      for (let i = start; i <= start + lastkey; i += keystep) {
        if (i < argc) keys.add(i);
        else if (open) setRestIsKey(true);
      }
      return;
    }
    if (open) {
      if (limit > 1) undecided('the keys are a share of an argument list of unknown length');
      for (let i = start; i < argc; i += keystep) keys.add(i);
      setRestIsKey(true);
      return;
    }
    let last = argc + lastkey;
    if (limit > 1) last = start + Math.floor((argc - start) / limit) - 1;
    for (let i = start; i <= last; i += keystep) keys.add(i);
    return;
  }
  if (fk.type === 'keynum') {
    const { keynumidx, firstkey, keystep } = fk.spec;
    const numRef = refs[start + keynumidx];
    const first = start + firstkey;
    const literal = numRef && isNumberOnly(numRef.values) && numRef.node?.type === 'NumericLiteral' ? numRef.node.value : undefined;
    const text = numRef ? literalOf(numRef.values) : undefined;
    const count = literal ?? (text?.length === 1 && /^\d+$/.test(text[0] as string) ? Number(text[0]) : undefined);
    if (count !== undefined) {
      // Only the arguments there are can be keys (numkeys may be 1e12 or inf).
      const present = Math.max(0, Math.ceil((argc - first) / keystep));
      for (let k = 0; k < Math.min(count, present); k++) keys.add(first + k * keystep);
      if (count > present && open) setRestIsKey(true);
      return;
    }
    // numkeys is computed (often #KEYS): every argument from the first key on is a key, up to
    // the first literal option word (WEIGHTS, AGGREGATE, COUNT...).
    for (let i = first; i < argc; i++) {
      const words = literalOf((refs[i] as ArgRef).values);
      if (words && words.every((w) => /^[A-Za-z]+$/.test(w))) return;
      keys.add(i);
    }
    if (open) setRestIsKey(true);
  }
}

function sortOptions(refs: ArgRef[], open: boolean, keys: Set<number>, result: ResolvedCommand, undecided: (why: string) => void): void {
  for (let i = 2; i < refs.length; i++) {
    const r = refs[i] as ArgRef;
    const words = literalOf(r.values);
    if (!words) {
      if (r.values.some((v: Value) => v.kind !== 'number')) {
        undecided('an option of SORT is not a literal: it may be BY, GET or STORE');
        result.sortPattern ??= { option: 'an option that is not a literal', node: r.node };
      }
      continue;
    }
    const word = (words[0] as string).toLowerCase();
    if (word === 'store') {
      keys.add(i + 1);
      i++;
    } else if (word === 'by' || word === 'get') {
      const pattern = refs[i + 1];
      const patternText = pattern ? literalOf(pattern.values) : undefined;
      if (!(word === 'by' && patternText?.length === 1 && (patternText[0] as string).toLowerCase() === 'nosort')) {
        result.sortPattern ??= { option: word.toUpperCase(), node: r.node };
      }
      i++;
    } else if (word === 'limit') i += 2;
  }
  if (open) undecided('SORT options in an argument list of unknown length');
}
