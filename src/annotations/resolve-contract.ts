// The contract a script's wrapper gets: its ---@ annotations; else the parts the config gives
// (annotations/config-contract.ts), and for what neither gives, keys and args inferred from
// the KEYS[n]/ARGV[n] it reads (RL006 when nothing was given at all). And its wrapper name:
// ---@name, else the config's, else the camelCase of the file name, checked. In: the file,
// its parse, its KEYS/ARGV usage and the config's parts. Out: the contract, the name and
// where it comes from, and diagnostics.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import type { ParsedLua } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import type { ContractUsage } from '../analyze/contract-usage.js';
import { inferArgs, inferContract, inferKeys, maxIndex, MAX_INFERRED } from '../analyze/contract-usage.js';
import type { ScriptContract } from './contract.js';
import { fileNameConvention, type ContractParts } from './config-contract.js';
import { readContract } from './read-contract.js';
import { camelCase, wrapperNameFromPath, wrapperNameProblem } from './wrapper-name.js';

export interface ResolvedContract {
  contract: ScriptContract;
  name: string;
  /** Where the name comes from: the ---@name annotation, else the start of the file. */
  nameSpan: { start: number; end: number };
  diagnostics: Diagnostic[];
  /** The annotations are malformed: rules comparing the body with them would only add noise. */
  broken: boolean;
}

/** `anchor`: offset of the script's own first statement, where RL006 points. */
export function resolveContract(file: SourceFile, parsed: ParsedLua, usage: ContractUsage, anchor: number, parts: ContractParts = {}): ResolvedContract {
  const { contract, diagnostics } = readContract(file, parsed);
  const broken = diagnostics.length > 0;
  const convention = parts.keys === 'fromFileName' ? fileNameConvention(file.path) : undefined;
  const name = contract.name?.value ?? parts.name ?? (convention ? camelCase(convention.stem) : wrapperNameFromPath(file.path));
  const nameSpan = contract.name ? { start: contract.name.start, end: contract.name.end } : { start: 0, end: 0 };
  const nameProblem = contract.name || parts.name ? undefined : wrapperNameProblem(name);
  if (nameProblem) {
    diagnostics.push(
      makeDiagnostic(file, {
        rule: 'bad-annotation',
        start: 0,
        end: 0,
        message: `the file name gives the wrapper name '${name}', which cannot be a wrapper name: ${nameProblem}`,
        hint: 'add a ---@name line with an identifier such as rateLimit, or rename the file',
      }),
    );
  }
  if (!contract.declared && applyParts(contract, parts, convention?.keys, usage)) return { contract, name, nameSpan, diagnostics, broken };
  if (!contract.declared) {
    inferContract(contract, usage);
    diagnostics.push(
      makeDiagnostic(file, {
        rule: 'missing-contract',
        start: anchor,
        end: anchor,
        message: `no contract: inferred ${describeInferred(contract)}${beyondInference(usage)}`,
        hint: 'add ---@key name, ---@arg name type and ---@return type lines before the first statement to name and type them',
      }),
    );
  }
  return { contract, name, nameSpan, diagnostics, broken };
}

/** Fills the contract from the config's parts, inferring what they leave out; false when they give nothing. */
function applyParts(contract: ScriptContract, parts: ContractParts, keysFromName: number | undefined, usage: ContractUsage): boolean {
  const keys = Array.isArray(parts.keys) ? parts.keys : undefined;
  if (!keys && keysFromName === undefined && !parts.args && !parts.returns && parts.taggedKeys === undefined) return false;
  const tagged = parts.taggedKeys ?? false;
  contract.declared = true;
  contract.keys =
    keys?.map((k) => ({ ...k, tagged: k.tagged || tagged })) ??
    (keysFromName === undefined
      ? inferKeys(usage, tagged)
      : Array.from({ length: keysFromName }, (_, i) => ({ name: `key${i + 1}`, variadic: false, tagged, description: '', start: 0, end: 0 })));
  contract.args = parts.args ?? inferArgs(usage);
  if (parts.returns) contract.returns = parts.returns;
  return true;
}

/** Why an inferred list is one list: the script reads an index past MAX_INFERRED. */
function beyondInference(usage: ContractUsage): string {
  const past = (u: ContractUsage['keys'], table: string) => (maxIndex(u) > MAX_INFERRED ? [`${table}[${maxIndex(u)}]`] : []);
  const list = [...past(usage.keys, 'KEYS'), ...past(usage.args, 'ARGV')];
  return list.length ? ` (it reads ${list.join(' and ')}: past ${MAX_INFERRED}, keys and args are inferred as one list)` : '';
}

function describeInferred(contract: ScriptContract): string {
  const list = (items: { name: string; variadic: boolean }[], what: string) =>
    items.length === 0 ? `no ${what}s` : `${items.length} ${what}${items.length === 1 ? '' : 's'} (${items.map((i) => (i.variadic ? '...' : '') + i.name).join(', ')})`;
  return `${list(contract.keys, 'key')} and ${list(contract.args, 'arg')} of type string; the reply is typed as any`;
}
