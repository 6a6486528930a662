// The rule interface. A rule reads the shared analysis through its context and reports
// through ctx.report(); it never prints, reads config or builds positions by hand.

import type { CommandTable, Target } from './data/index.js';
import type { Chunk, Comment, Node } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import type { AnalysisRuleName } from '../diagnostics/codes.js';
import type { ScriptContract } from '../annotations/contract.js';
import type { ScriptFlag } from '../parse/shebang.js';
import type { Scopes } from './scope.js';
import type { Facts, Value } from './values/index.js';
import type { ResolvedCall } from './command-calls.js';
import type { ContractUsage } from './contract-usage.js';

export interface ReportInput<M extends string> {
  node?: Node;
  /** Explicit offsets, when there is no node (annotations). */
  start?: number;
  end?: number;
  messageId: M;
  data?: Record<string, string | number>;
  hint: string;
}

export interface RuleContext<M extends string = string> {
  file: SourceFile;
  ast: Chunk;
  comments: readonly Comment[];
  contract: ScriptContract;
  /** Shebang flags; undefined when the script has no shebang. */
  flags: readonly ScriptFlag[] | undefined;
  scopes: Scopes;
  facts: Facts;
  calls: readonly ResolvedCall[];
  usage: ContractUsage;
  lineOf(node: Node): number;
  /** True inside a local function that cannot run (nothing that runs references it). */
  dead(node: Node): boolean;
  /** True inside a file the script includes (a library shared by several scripts). */
  included(node: Node): boolean;
  /** The script's own first statement (not an included one): where whole-script findings point. */
  anchor: Node | undefined;
  /** The config declares that every name this script uses as a key carries its keys' hash tag. */
  assumeTagged: boolean;
  /** The command table of the server the script is checked for. */
  commands: CommandTable;
  describe(value: Value): string;
  report(input: ReportInput<M>): void;
}

export interface RuleDocs {
  /** Why the rule exists, in one paragraph. */
  rationale: string;
  /** Lua that triggers the rule. */
  wrong: string;
  /** The same intent, written so the rule is satisfied. */
  right: string;
  /** The target the rule applies to, when it applies to one server only (examples and fixtures are checked for it). */
  target?: Target;
}

export interface Rule<M extends string = string> {
  name: AnalysisRuleName;
  docs: RuleDocs;
  messages: Record<M, string>;
  check(ctx: RuleContext<M>): void;
}

/** Declares a rule with its message ids checked against its templates. */
export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (key in data ? String(data[key]) : all));
}
