// compile(): one script's text -> its diagnostics and, when it has no error, its WrapperModel.
// The phases run in the order of src/pipeline.ts; nothing here touches the disk.

import { createHash } from 'node:crypto';
import { createSourceFile, positionAt, type SourceFile } from './source/source-file.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { makeDiagnostic } from './diagnostics/report.js';
import { RULES, type RuleName } from './diagnostics/codes.js';
import { encodingDiagnostic } from './parse/encoding.js';
import { checkShebang } from './parse/shebang.js';
import { parseLua, rangeOf } from './parse/parse-lua.js';
import { functionLimit, treeLimit, type LimitFinding } from './parse/limits/index.js';
import { resolveScopes } from './analyze/scope.js';
import { resolveContract } from './annotations/resolve-contract.js';
import type { ContractParts } from './annotations/config-contract.js';
import { wrapperNameFromPath } from './annotations/wrapper-name.js';
import { collectUsage } from './analyze/contract-usage.js';
import { analyzeScript, scriptAnchor } from './analyze/analyze-script.js';
import type { Target } from './analyze/data/index.js';
import { targetFindings } from './analyze/target-rules.js';
import { dragonflyLineEnd } from './parse/dragonfly-flags.js';
import { applySuppressions, type SeverityOverrides } from './analyze/suppressions.js';
import { buildModel, type ModelInput, type WrapperModel } from './codegen/wrapper-model.js';
import { minifyLua, type MinifiedLua } from './minify/minify-lua.js';
import { composeScript, isTrivial, lineOrigins, segmentAt, toOriginal, type ComposedScript, type ReadSource } from './compose/compose-script.js';

export type MinifyMode = 'none' | 'full';

export interface CompileOptions {
  /** Path of the script relative to the project root (used in messages and the wrapper). */
  path: string;
  /** Output module path relative to the output folder; defaults to the script path with .ts. */
  module?: string;
  minify?: MinifyMode;
  rules?: SeverityOverrides;
  /** Reads other project files, for `--- @include` lines and preludes; without it nothing can be included. */
  readSource?: ReadSource;
  /** Contract parts and preludes the config gives this script (annotations in the file win). */
  contract?: ContractParts;
  /** Rule severities the config gives the file a finding is in (the script or an included file). */
  rulesFor?: (file: string) => ContractParts['rules'];
  /** The server to check for (its command table); Redis 7.0 by default. */
  target?: Target;
}

export interface CompileResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
  /** Present when the script has no error-severity diagnostic. */
  model?: WrapperModel;
  /** The wrapper name, also when the script has errors (for collision checks). */
  name: string;
  /** The minified text, whenever the script parses (also when the analysis found errors). */
  minified?: string;
  /** Where the name comes from: the ---@name annotation, else the start of the file. */
  nameSpan: { start: number; end: number };
  /** Files inlined by @include lines and preludes (project-relative): the script depends on them. */
  includes: string[];
}

export function sha1Hex(text: string | Uint8Array): string {
  return createHash('sha1').update(text).digest('hex');
}

const SYNTAX_HINT =
  'Redis runs Lua 5.1: there is no goto, no // or bitwise operators (use math.floor(a / b) and bit.band/bit.bor), no <const>, and ;; is an error';

export function compile(source: string | Uint8Array, options: CompileOptions): CompileResult {
  const main = createSourceFile(options.path, source);
  const failed = (diagnostics: Diagnostic[], includes: string[] = []): CompileResult => ({
    file: main,
    diagnostics,
    name: wrapperNameFromPath(options.path),
    nameSpan: { start: 0, end: 0 },
    includes,
  });

  // 1. Encoding: a BOM or bad UTF-8 stops here (Redis refuses a BOM; positions need UTF-8).
  const encoding = encodingDiagnostic(main);
  if (encoding) return failed([encoding]);

  // 2. Includes and preludes inlined; every later phase works on the composed text.
  const composed = composeScript(main, options.readSource ?? (() => undefined), options.contract?.prelude);
  if (composed.diagnostics.length) return failed(composed.diagnostics, composed.includes);
  const file = composed.file;
  const located = (list: Diagnostic[]): Diagnostic[] => list.map((d) => toOriginal(composed, d));

  // 3. Shebang, validated as Redis validates it; 4. parse.
  const shebang = checkShebang(file);
  const targeted = targetFindings(options.target, file, shebang.end);
  const diagnostics: Diagnostic[] = [...(shebang.diagnostic ? [shebang.diagnostic] : []), ...targeted.diagnostics];
  const parse = parseLua(file.text, shebang.end);
  if (!parse.ok) {
    const { start, end, message } = parse.error;
    return failed(located([...diagnostics, makeDiagnostic(file, { rule: 'syntax-error', start, end, message, hint: SYNTAX_HINT })]), composed.includes);
  }
  const parsed = parse.parsed;
  const limitFailed = (limit: LimitFinding) => failed(located([...diagnostics, makeDiagnostic(file, limit)]), composed.includes);
  const treeHit = treeLimit(file.text, parsed);
  if (treeHit) return limitFailed(treeHit);
  const scopes = resolveScopes(parsed.ast);
  const frameHit = functionLimit(parsed, scopes, (offset) => positionAt(file, offset).line);
  if (frameHit) return limitFailed(frameHit);

  // 5. Contract (annotations, else the config's, else inferred) and wrapper name.
  const included = (offset: number) => segmentAt(composed, offset).file !== main;
  const first = scriptAnchor(parsed, included);
  const usage = collectUsage(parsed.ast, scopes);
  const resolved = resolveContract(file, parsed, usage, first ? rangeOf(first)[0] : shebang.end, options.contract);
  const { contract, name, nameSpan } = resolved;
  diagnostics.push(...resolved.diagnostics);

  // 6. Analysis: the contract against the body, keys, commands, sandbox, replies.
  // A shebang Redis refuses still disables the flag-dependent rules as if it had no flags.
  const flags = shebang.flags ?? (shebang.diagnostic ? [] : undefined);
  const origin = (offset: number) => {
    const seg = segmentAt(composed, offset);
    return { file: seg.file.path, line: positionAt(seg.file, seg.fileStart + (offset - seg.start)).line };
  };
  const conventions = options.contract ?? {};
  diagnostics.push(...analyzeScript({ file, parsed, scopes, contract, flags, usage, contractBroken: resolved.broken, included, origin, conventions, target: options.target }));

  // 7. Severity overrides and disable comments, then every finding in the file it is in.
  const fileOf = (offset: number) => segmentAt(composed, offset).file.path;
  const final = located(applySuppressions(file, parsed.comments, diagnostics, { ...targeted.rules, ...options.rules }, fileOf)).flatMap((d) => withFileRules(d, options.rulesFor));

  // 8. Text to send (minified, or the source as is), its digest, and the wrapper model.
  const minified = (options.minify ?? 'full') === 'full' && !shebang.diagnostic ? minifyLua(file.text, parsed, shebang.end || dragonflyLineEnd(file.text), scopes) : undefined;
  const result: CompileResult = { file: main, diagnostics: final, name, nameSpan, includes: composed.includes, ...(minified ? { minified: minified.text } : {}) };
  if (final.some((d) => d.severity === 'error')) return result;
  const lua = minified ? minified.text : file.text;
  const module = options.module ?? options.path.replace(/\.lua$/i, '') + '.ts';
  const sha = minified ? sha1Hex(lua) : sha1Hex(file.bytes);
  const lines = sourceLines(composed, minified);
  return { ...result, model: buildModel({ name, source: options.path, module, contract, flags: shebang.flags, lua, sha, ...lines }) };
}

/** A finding with the severity the config gives rules in its file, if it gives one. */
function withFileRules(d: Diagnostic, rulesFor: CompileOptions['rulesFor']): Diagnostic[] {
  const level = rulesFor?.(d.file)?.[d.rule];
  if (!level || RULES[d.rule as RuleName]?.fixed) return [d];
  return level === 'off' ? [] : [{ ...d, severity: level }];
}

/**
 * The .lua file and line of each line of the text sent. Without includes: the minifier's line
 * map (absent when the text is the source as is). With them: through the composed text.
 */
function sourceLines(composed: ComposedScript, minified: MinifiedLua | undefined): Pick<ModelInput, 'minified' | 'lineFiles' | 'files'> {
  if (isTrivial(composed)) return minified ? { minified } : {};
  const origins = lineOrigins(composed);
  const sent = minified ? minified.lineMap : origins.map((_, i) => i + 1);
  const files = [composed.file.path, ...composed.includes];
  const lineMap = sent.map((n) => origins[n - 1]?.line ?? n);
  const lineFiles = sent.map((n) => Math.max(0, files.indexOf(origins[n - 1]?.file ?? composed.file.path)));
  return { minified: { text: minified?.text ?? composed.file.text, lineMap, localNames: minified?.localNames ?? [] }, lineFiles, files };
}
