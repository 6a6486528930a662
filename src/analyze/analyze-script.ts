// analyzeScript: one parsed script and its contract -> the diagnostics of every analysis
// rule. Builds the shared analysis once (scopes, value origins, resolved commands, contract
// usage) and hands it to each rule through its context.

import type { ParsedLua, Node } from '../parse/parse-lua.js';
import { rangeOf } from '../parse/parse-lua.js';
import { positionAt, type SourceFile } from '../source/source-file.js';
import type { ScriptContract } from '../annotations/contract.js';
import type { ScriptFlag } from '../parse/shebang.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import { resolveScopes, type Scopes } from './scope.js';
import { analyzeValues, describeValue } from './values/index.js';
import { resolveCalls, type ResolvedCall } from './command-calls.js';
import { forEachKeyArg } from './key-origins.js';
import type { ContractParts } from '../annotations/config-contract.js';
import { findLiveness } from './liveness.js';
import type { ContractUsage } from './contract-usage.js';
import { formatMessage, type Rule, type RuleContext } from './rule.js';
import { ANALYSIS_RULES } from './rules/index.js';
import { commandTable, type Target } from './data/index.js';

export interface AnalyzeInput {
  file: SourceFile;
  parsed: ParsedLua;
  /** The scopes of `parsed` when the caller has them already. */
  scopes?: Scopes;
  contract: ScriptContract;
  flags: readonly ScriptFlag[] | undefined;
  usage: ContractUsage;
  /** Skip the rules that compare the body with a contract that failed to parse. */
  contractBroken: boolean;
  /** True for an offset inside a file the script includes (a shared library). */
  included?: (offset: number) => boolean;
  /** The file and line an offset of a composed script comes from. */
  origin?: (offset: number) => { file: string; line: number };
  /** Conventions the config declares for this script (annotations/config-contract.ts). */
  conventions?: Pick<ContractParts, 'prefixArgs' | 'assumeTagged'>;
  /** The server the script is checked for (its command table); Redis 7.0 by default. */
  target?: Target;
}

/**
 * `prefixArgs: "tagged"`: every ARGV the script builds key names from (ARGV[1] .. id) is a
 * tagged prefix; the wrapper then checks at run time that it carries the keys' hash tag.
 */
function markPrefixArgs(contract: ScriptContract, calls: readonly ResolvedCall[]): void {
  forEachKeyArg(calls, (arg) => {
    for (const v of arg.values) {
      if (v.kind !== 'derived' || v.base !== 'arg' || v.index === 'any') continue;
      const spec = contract.args[v.index - 1];
      if (spec && spec.type.kind === 'string') spec.tagged = true;
    }
    return false;
  });
}

/** The first statement of the script's own text (not one from an included file). */
export function scriptAnchor(parsed: ParsedLua, included: ((offset: number) => boolean) | undefined): Node | undefined {
  return parsed.ast.body.find((s) => !included?.(rangeOf(s)[0]));
}

export function analyzeScript(input: AnalyzeInput): Diagnostic[] {
  const { file, parsed } = input;
  const scopes = input.scopes ?? resolveScopes(parsed.ast);
  const args = input.contract.args;
  const liveness = findLiveness(parsed.ast, scopes);
  const argAt = (index: number) => args[index - 1] ?? (args[args.length - 1]?.variadic ? args[args.length - 1] : undefined);
  const table = commandTable(input.target);
  const facts = analyzeValues(parsed.ast, scopes, {
    aliases: table.aliases,
    fractionalArg: (index) => (index === 'any' ? args.some((a) => a.type.kind === 'number') : argAt(index)?.type.kind === 'number'),
    argLiterals: (index) => {
      const type = argAt(index)?.type;
      return type?.kind === 'literal' ? type.values : undefined;
    },
    deadCode: (n) => liveness.dead(n),
  });
  const calls = resolveCalls(facts.redisCalls, table);
  if (input.conventions?.prefixArgs === 'tagged') markPrefixArgs(input.contract, calls);
  const lineOf = (n: Node) => positionAt(file, rangeOf(n)[0]).line;
  const where = (n: Node): string => {
    const o = input.origin?.(rangeOf(n)[0]);
    return !o ? `line ${lineOf(n)}` : o.file === file.path ? `line ${o.line}` : `${o.file} line ${o.line}`;
  };
  const out: Diagnostic[] = [];
  for (const rule of Object.values(ANALYSIS_RULES) as Rule<string>[]) {
    if (input.contractBroken && (rule.name === 'keys-out-of-range' || rule.name === 'unused-key' || rule.name === 'return-mismatch')) continue;
    const ctx: RuleContext<string> = {
      file,
      ast: parsed.ast,
      comments: parsed.comments,
      contract: input.contract,
      flags: input.flags,
      scopes,
      facts,
      calls,
      usage: input.usage,
      lineOf,
      dead: (n) => liveness.dead(n),
      included: (n) => input.included?.(rangeOf(n)[0]) ?? false,
      anchor: scriptAnchor(parsed, input.included),
      assumeTagged: input.conventions?.assumeTagged ?? false,
      commands: table,
      describe: (v) => describeValue(v, where),
      report: (r) => {
        const [start, end] = r.node ? rangeOf(r.node) : [r.start ?? 0, r.end ?? r.start ?? 0];
        out.push(makeDiagnostic(file, { rule: rule.name, start, end, message: formatMessage(rule.messages[r.messageId] ?? r.messageId, r.data), hint: r.hint }));
      },
    };
    rule.check(ctx);
  }
  return out;
}
