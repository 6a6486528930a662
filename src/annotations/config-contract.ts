// Contracts from the config, for scripts nobody edits (vendored, generated, shared with other
// languages). An entry of "contracts" names scripts by glob and gives parts of a contract:
//   { "files": "commands/*-*.lua", "keys": "fromFileName", "taggedKeys": true,
//     "args": [{ "name": "prefix", "tagged": true }], "returns": "any", "prelude": ["x.lua"] }
// Keys and args are written as annotations would be and read by the same grammar, so a bad
// type is reported with the annotation's message, naming the config key. "fromFileName" is
// BullMQ's convention: `addJob-9.lua` takes 9 keys, and its wrapper is named addJob.

import { createSourceFile } from '../source/source-file.js';
import { parseLua } from '../parse/parse-lua.js';
import type { ArgSpec, KeySpec, ReturnSpec } from './contract.js';
import { readContract } from './read-contract.js';

export interface ContractParts {
  name?: string;
  /** Keys by name, or as many as the file name says (`name-N.lua`). */
  keys?: KeySpec[] | 'fromFileName';
  /** Every key carries a hash tag (for keys counted from the file name). */
  taggedKeys?: boolean;
  args?: ArgSpec[];
  returns?: ReturnSpec;
  /** Files inlined before the script's first statement, relative to the config folder. */
  prelude?: string[];
  /** "tagged": every ARGV the script builds key names from is a {tagged} prefix (checked at run time). */
  prefixArgs?: 'tagged';
  /**
   * The project guarantees that every name the script uses as a key carries the hash tag of
   * its keys (BullMQ: every key starts with the queue prefix). Names the tool cannot trace
   * become RL112 warnings instead of RL101 errors; literals without a hash tag stay errors.
   */
  assumeTagged?: boolean;
  /** Rule severities for findings in these files (validated by the config, which owns rule names). */
  rules?: Partial<Record<string, 'error' | 'warning' | 'info' | 'off'>>;
}

type Field = string | { name: string; type?: string; tagged?: boolean; variadic?: boolean; description?: string };

const KNOWN = ['files', 'name', 'keys', 'taggedKeys', 'args', 'returns', 'prelude', 'prefixArgs', 'assumeTagged', 'rules'];

/** Validates one entry; throws an Error whose message starts with the key at fault. */
export function readContractEntry(raw: unknown, where: string): { files: string[]; parts: ContractParts } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}: must be an object`);
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) if (!KNOWN.includes(key)) throw new Error(`${where}.${key}: unknown key (known keys: ${KNOWN.join(', ')})`);
  const files = typeof entry.files === 'string' ? [entry.files] : entry.files;
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string' || !f)) throw new Error(`${where}.files: must be a glob or a list of globs`);
  const parts: ContractParts = {};
  if (entry.name !== undefined) parts.name = annotated(`---@name ${text(entry.name, `${where}.name`)}`, `${where}.name`).name?.value;
  if (entry.keys === 'fromFileName') parts.keys = 'fromFileName';
  else if (entry.keys !== undefined) parts.keys = fields(entry.keys, `${where}.keys`, 'key').keys;
  if (entry.taggedKeys !== undefined) {
    if (typeof entry.taggedKeys !== 'boolean') throw new Error(`${where}.taggedKeys: must be true or false`);
    parts.taggedKeys = entry.taggedKeys;
  }
  if (entry.args !== undefined) parts.args = fields(entry.args, `${where}.args`, 'arg').args;
  if (entry.returns !== undefined) parts.returns = annotated(`---@return ${text(entry.returns, `${where}.returns`)}`, `${where}.returns`).returns;
  if (entry.prefixArgs !== undefined) {
    if (entry.prefixArgs !== 'tagged') throw new Error(`${where}.prefixArgs: must be "tagged"`);
    parts.prefixArgs = 'tagged';
  }
  if (entry.assumeTagged !== undefined) {
    if (typeof entry.assumeTagged !== 'boolean') throw new Error(`${where}.assumeTagged: must be true or false`);
    parts.assumeTagged = entry.assumeTagged;
  }
  if (entry.prelude !== undefined) {
    const prelude = typeof entry.prelude === 'string' ? [entry.prelude] : entry.prelude;
    if (!Array.isArray(prelude) || prelude.some((p) => typeof p !== 'string' || !p)) throw new Error(`${where}.prelude: must be a file or a list of files`);
    parts.prelude = prelude as string[];
  }
  return { files: files as string[], parts };
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || !value.trim() || /[\r\n]/.test(value)) throw new Error(`${where}: must be a one-line string`);
  return value;
}

/** Keys or args as annotation lines, read by the annotation grammar. */
function fields(value: unknown, where: string, tag: 'key' | 'arg'): { keys: KeySpec[]; args: ArgSpec[] } {
  if (!Array.isArray(value)) throw new Error(`${where}: must be a list of names or { "name": ... } objects`);
  const lines = (value as Field[]).map((f, i) => {
    if (typeof f === 'string') return `---@${tag} ${text(f, `${where}[${i}]`)}${tag === 'arg' ? ' string' : ''}`;
    if (typeof f !== 'object' || f === null || typeof f.name !== 'string') throw new Error(`${where}[${i}]: must be a name or an object with "name"`);
    const type = tag === 'arg' && !f.tagged ? ` ${text(f.type ?? 'string', `${where}[${i}].type`)}` : '';
    return `---@${tag} ${f.variadic ? '...' : ''}${text(f.name, `${where}[${i}].name`)}${type}${f.tagged ? ' {tagged}' : ''}${f.description ? ` ${text(f.description, `${where}[${i}].description`)}` : ''}`;
  });
  return annotated(lines.join('\n'), where);
}

/** Annotation lines read by the annotation grammar; the parts point at the script's start (offset 0). */
function annotated(lines: string, where: string): ReturnType<typeof readContract>['contract'] {
  const source = `${lines}\nreturn nil\n`;
  const file = createSourceFile('config', source);
  const parsed = parseLua(source, 0);
  if (!parsed.ok) throw new Error(`${where}: ${parsed.error.message}`);
  const { contract, diagnostics } = readContract(file, parsed.parsed);
  const first = diagnostics[0];
  if (first) throw new Error(`${where}: ${first.message} (${first.hint})`);
  const atStart = <T extends { start: number; end: number }>(x: T): T => ({ ...x, start: 0, end: 0 });
  return { ...contract, keys: contract.keys.map(atStart), args: contract.args.map(atStart), returns: atStart(contract.returns) };
}

/** BullMQ's `name-N.lua`: the key count N, and the name without it. */
export function fileNameConvention(path: string): { keys: number; stem: string } | undefined {
  // Up to 3 digits: `report-20260101.lua` names a date, not twenty million keys.
  const m = /(?:^|\/)([^/]+)-(\d{1,3})\.lua$/i.exec(path);
  return m ? { keys: Number(m[2]), stem: m[1] as string } : undefined;
}

/** The parts of every matching entry, later entries overriding earlier ones part by part. */
export function mergeParts(all: readonly ContractParts[]): ContractParts {
  return all.reduce<ContractParts>((acc, p) => ({ ...acc, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) }), {});
}
