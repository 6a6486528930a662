// The contract a script's wrapper gets: its ---@ annotations, else keys and args inferred
// from the KEYS[n]/ARGV[n] it reads (with RL006 saying so), and its wrapper name (---@name,
// else the camelCase of the file name), checked. In: the file, its parse and its KEYS/ARGV
// usage. Out: the contract, the name and where it comes from, and diagnostics.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import { rangeOf, type ParsedLua } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import type { ContractUsage } from '../analyze/contract-usage.js';
import { inferContract } from '../analyze/contract-usage.js';
import type { ScriptContract } from './contract.js';
import { readContract } from './read-contract.js';
import { wrapperNameFromPath, wrapperNameProblem } from './wrapper-name.js';

export interface ResolvedContract {
  contract: ScriptContract;
  name: string;
  /** Where the name comes from: the ---@name annotation, else the start of the file. */
  nameSpan: { start: number; end: number };
  diagnostics: Diagnostic[];
  /** The annotations are malformed: rules comparing the body with them would only add noise. */
  broken: boolean;
}

export function resolveContract(file: SourceFile, parsed: ParsedLua, usage: ContractUsage, shebangEnd: number): ResolvedContract {
  const { contract, diagnostics } = readContract(file, parsed);
  const broken = diagnostics.length > 0;
  const name = contract.name?.value ?? wrapperNameFromPath(file.path);
  const nameSpan = contract.name ? { start: contract.name.start, end: contract.name.end } : { start: 0, end: 0 };
  const nameProblem = contract.name ? undefined : wrapperNameProblem(name);
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
  if (!contract.declared) {
    inferContract(contract, usage);
    const firstStatement = parsed.ast.body[0];
    const first = firstStatement ? rangeOf(firstStatement)[0] : shebangEnd;
    diagnostics.push(
      makeDiagnostic(file, {
        rule: 'missing-contract',
        start: first,
        end: first,
        message: `no contract: inferred ${describeInferred(contract)}`,
        hint: 'add ---@key name, ---@arg name type and ---@return type lines before the first statement to name and type them',
      }),
    );
  }
  return { contract, name, nameSpan, diagnostics, broken };
}

function describeInferred(contract: ScriptContract): string {
  const list = (items: { name: string; variadic: boolean }[], what: string) =>
    items.length === 0 ? `no ${what}s` : `${items.length} ${what}${items.length === 1 ? '' : 's'} (${items.map((i) => (i.variadic ? '...' : '') + i.name).join(', ')})`;
  return `${list(contract.keys, 'key')} and ${list(contract.args, 'arg')} of type string; the reply is typed as any`;
}
