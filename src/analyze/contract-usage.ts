// Which KEYS[n] / ARGV[n] the script reads (used by RL102 and RL401), and, for a script
// without a contract, the keys and args inferred from them (RL006).
// A use of the global KEYS/ARGV other than `KEYS[<integer literal>]` (a loop, unpack, #KEYS,
// an alias) is "dynamic": it may read any index, so every declared entry counts as read.

import { rangeOf, type Chunk, type Node } from '../parse/parse-lua.js';
import type { Scopes } from './scope.js';
import type { ArgSpec, KeySpec, ScriptContract } from '../annotations/contract.js';
import { walk } from './walk.js';

interface IndexUse {
  index: number;
  start: number;
  end: number;
}

export interface TableUsage {
  literal: IndexUse[];
  dynamic: boolean;
}

export interface ContractUsage {
  keys: TableUsage;
  args: TableUsage;
}

export function collectUsage(ast: Chunk, scopes: Scopes): ContractUsage {
  const usage: ContractUsage = { keys: { literal: [], dynamic: false }, args: { literal: [], dynamic: false } };
  walk(ast as Node, (node, parent) => {
    if (node.type !== 'Identifier' || scopes.resolve.has(node)) return;
    const table = node.name === 'KEYS' ? usage.keys : node.name === 'ARGV' ? usage.args : undefined;
    if (!table) return;
    if (parent?.type === 'IndexExpression' && parent.base === node) {
      const index = parent.index;
      if (index.type === 'NumericLiteral' && Number.isInteger(index.value)) {
        const [start, end] = rangeOf(parent);
        table.literal.push({ index: index.value, start, end });
        return;
      }
    }
    table.dynamic = true;
  });
  return usage;
}

/**
 * Past this many, inferred keys or args are not named one by one (KEYS[2147483647] would make
 * a wrapper with two billion parameters): the wrapper takes them as one list, and RL006 says so.
 */
export const MAX_INFERRED = 100;

/** Keys a script without a contract reads: key1..keyN, plus a variadic tail when it reads KEYS dynamically. */
export function inferKeys(usage: ContractUsage, tagged = false): KeySpec[] {
  const n = maxIndex(usage.keys);
  if (n > MAX_INFERRED) return [{ name: 'keys', variadic: true, tagged, description: '', start: 0, end: 0 }];
  const keys = Array.from({ length: n }, (_, i): KeySpec => ({ name: `key${i + 1}`, variadic: false, tagged, description: '', start: 0, end: 0 }));
  if (usage.keys.dynamic) keys.push({ name: 'keys', variadic: true, tagged, description: '', start: 0, end: 0 });
  return keys;
}

/** Args a script without a contract reads: arg1..argN (strings), plus a variadic tail when it reads ARGV dynamically. */
export function inferArgs(usage: ContractUsage): ArgSpec[] {
  const n = maxIndex(usage.args);
  const list = (name: string): ArgSpec => ({ name, type: { kind: 'string' }, variadic: true, tagged: false, description: '', start: 0, end: 0 });
  if (n > MAX_INFERRED) return [list('args')];
  const args = Array.from({ length: n }, (_, i): ArgSpec => ({ name: `arg${i + 1}`, type: { kind: 'string' }, variadic: false, tagged: false, description: '', start: 0, end: 0 }));
  if (usage.args.dynamic) args.push(list('args'));
  return args;
}

export const maxIndex = (u: TableUsage) => u.literal.reduce((m, x) => Math.max(m, x.index), 0);

/** Keys and args of a script without a contract, inferred from what it reads. */
export function inferContract(contract: ScriptContract, usage: ContractUsage): void {
  contract.keys = inferKeys(usage);
  contract.args = inferArgs(usage);
}

export interface ContractTable {
  table: 'KEYS' | 'ARGV';
  specs: ReadonlyArray<KeySpec | ArgSpec>;
  usage: TableUsage;
  what: 'key' | 'arg';
  tag: '---@key' | '---@arg';
}

/** KEYS and ARGV side by side: their declarations and their uses. */
export function contractTables(contract: ScriptContract, usage: ContractUsage): ContractTable[] {
  return [
    { table: 'KEYS', specs: contract.keys, usage: usage.keys, what: 'key', tag: '---@key' },
    { table: 'ARGV', specs: contract.args, usage: usage.args, what: 'arg', tag: '---@arg' },
  ];
}
