// Compares the contract with the body: which KEYS[n] / ARGV[n] the script reads.
// In: contract, AST. Out: RL102 (index beyond the contract), RL401 (declared, never read),
// and, for a script without a contract, the inferred keys and args (RL006).
// A use of the global KEYS/ARGV other than `KEYS[<integer literal>]` (a loop, unpack, #KEYS,
// an alias) is "dynamic": it may read any index, so every declared entry counts as read.

import { isLocalName, rangeOf, type Chunk, type Node } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
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

export function collectUsage(ast: Chunk): ContractUsage {
  const usage: ContractUsage = { keys: { literal: [], dynamic: false }, args: { literal: [], dynamic: false } };
  walk(ast as Node, (node, parent) => {
    if (node.type !== 'Identifier' || isLocalName(node)) return;
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

export function checkUsage(file: SourceFile, contract: ScriptContract, usage: ContractUsage): Diagnostic[] {
  return [
    ...checkTable(file, 'KEYS', '---@key', contract.keys, usage.keys),
    ...checkTable(file, 'ARGV', '---@arg', contract.args, usage.args),
  ];
}

function checkTable(
  file: SourceFile,
  table: 'KEYS' | 'ARGV',
  tag: string,
  specs: readonly (KeySpec | ArgSpec)[],
  usage: TableUsage,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const variadic = specs.length > 0 && (specs[specs.length - 1] as KeySpec | ArgSpec).variadic;
  const fixed = variadic ? specs.length - 1 : specs.length;
  const what = table === 'KEYS' ? 'key' : 'arg';
  for (const use of usage.literal) {
    if (use.index >= 1 && (variadic || use.index <= fixed)) continue;
    const declared = specs.length === 0 ? `no ${what}s are declared` : `${specs.length} ${what}${specs.length === 1 ? ' is' : 's are'} declared (${specs.map((s) => (s.variadic ? '...' : '') + s.name).join(', ')})`;
    out.push(
      makeDiagnostic(file, {
        rule: 'keys-out-of-range',
        start: use.start,
        end: use.end,
        message:
          use.index < 1
            ? `${table}[${use.index}] is always nil: Lua tables count from 1`
            : `${table}[${use.index}] is beyond the contract: ${declared}`,
        hint:
          use.index < 1
            ? `the first ${what} is ${table}[1]`
            : `declare it with ${tag} ${table === 'KEYS' ? 'name [text]' : 'name type [text]'} (the ${ordinal(use.index)} ${tag} line), or fix the index`,
      }),
    );
  }
  specs.forEach((spec, i) => {
    const position = i + 1;
    const read =
      usage.dynamic || usage.literal.some((u) => (spec.variadic ? u.index >= position : u.index === position));
    if (read) return;
    out.push(
      makeDiagnostic(file, {
        rule: 'unused-key',
        start: spec.start,
        end: spec.end,
        message: spec.variadic
          ? `${what} list '...${spec.name}' (${table}[${position}] onwards) is declared but never read`
          : `${what} '${spec.name}' (${table}[${position}]) is declared but never read`,
        hint: `read it with ${table}[${position}], or remove the ${tag} line (callers then stop sending it)`,
      }),
    );
  });
  return out;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

/** Keys and args of a script without a contract: key1..keyN / arg1..argN (string), plus a variadic tail when used dynamically. */
export function inferContract(contract: ScriptContract, usage: ContractUsage): void {
  const maxIndex = (u: TableUsage) => u.literal.reduce((m, x) => Math.max(m, x.index), 0);
  const nk = maxIndex(usage.keys);
  const na = maxIndex(usage.args);
  contract.keys = Array.from({ length: nk }, (_, i) => ({ name: `key${i + 1}`, variadic: false, tagged: false, description: '', start: 0, end: 0 }));
  if (usage.keys.dynamic) contract.keys.push({ name: 'keys', variadic: true, tagged: false, description: '', start: 0, end: 0 });
  contract.args = Array.from({ length: na }, (_, i) => ({ name: `arg${i + 1}`, type: { kind: 'string' as const }, variadic: false, description: '', start: 0, end: 0 }));
  if (usage.args.dynamic) contract.args.push({ name: 'args', type: { kind: 'string' }, variadic: true, description: '', start: 0, end: 0 });
}
