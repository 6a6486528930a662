// compile(): one script's text -> its diagnostics and, when it has no error, its WrapperModel.
// The phases run in the order of src/pipeline.ts; nothing here touches the disk.

import { createHash } from 'node:crypto';
import { createSourceFile, type SourceFile } from './source/source-file.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { makeDiagnostic } from './diagnostics/report.js';
import { encodingDiagnostic } from './parse/encoding.js';
import { checkShebang } from './parse/shebang.js';
import { parseLua } from './parse/parse-lua.js';
import { resolveContract } from './annotations/resolve-contract.js';
import { wrapperNameFromPath } from './annotations/wrapper-name.js';
import { collectUsage } from './analyze/contract-usage.js';
import { analyzeScript } from './analyze/analyze-script.js';
import { applySuppressions, type SeverityOverrides } from './analyze/suppressions.js';
import { buildModel, type WrapperModel } from './codegen/wrapper-model.js';
import { minifyLua } from './minify/minify-lua.js';

export type MinifyMode = 'none' | 'full';

export interface CompileOptions {
  /** Path of the script relative to the project root (used in messages and the wrapper). */
  path: string;
  /** Output module path relative to the output folder; defaults to the script path with .ts. */
  module?: string;
  minify?: MinifyMode;
  rules?: SeverityOverrides;
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
}

export function sha1Hex(text: string | Uint8Array): string {
  return createHash('sha1').update(text).digest('hex');
}

const SYNTAX_HINT =
  'Redis runs Lua 5.1: there is no goto, no // or bitwise operators (use math.floor(a / b) and bit.band/bit.bor), no <const>, and ;; is an error';

export function compile(source: string | Uint8Array, options: CompileOptions): CompileResult {
  const file = createSourceFile(options.path, source);
  const failed = (diagnostics: Diagnostic[]): CompileResult => ({ file, diagnostics, name: wrapperNameFromPath(options.path), nameSpan: { start: 0, end: 0 } });

  // 1. Encoding: a BOM or bad UTF-8 stops here (Redis refuses a BOM; positions need UTF-8).
  const encoding = encodingDiagnostic(file);
  if (encoding) return failed([encoding]);

  // 2. Shebang, validated as Redis validates it; 3. parse.
  const shebang = checkShebang(file);
  const diagnostics: Diagnostic[] = shebang.diagnostic ? [shebang.diagnostic] : [];
  const parse = parseLua(file.text, shebang.end);
  if (!parse.ok) {
    const { start, end, message } = parse.error;
    return failed([...diagnostics, makeDiagnostic(file, { rule: 'syntax-error', start, end, message, hint: SYNTAX_HINT })]);
  }
  const parsed = parse.parsed;

  // 4. Contract (annotations, else inferred) and wrapper name.
  const usage = collectUsage(parsed.ast);
  const resolved = resolveContract(file, parsed, usage, shebang.end);
  const { contract, name, nameSpan } = resolved;
  diagnostics.push(...resolved.diagnostics);

  // 5. Analysis: the contract against the body, keys, commands, sandbox, replies.
  // A shebang Redis refuses still disables the flag-dependent rules as if it had no flags.
  const flags = shebang.flags ?? (shebang.diagnostic ? [] : undefined);
  diagnostics.push(...analyzeScript({ file, parsed, contract, flags, usage, contractBroken: resolved.broken }));

  // 6. Severity overrides and disable comments.
  const final = applySuppressions(file, parsed.comments, diagnostics, options.rules ?? {});

  // 7. Text to send (minified, or the source as is), its digest, and the wrapper model.
  const minified = (options.minify ?? 'full') === 'full' && !shebang.diagnostic ? minifyLua(file.text, parsed, shebang.end) : undefined;
  const result: CompileResult = { file, diagnostics: final, name, nameSpan, ...(minified ? { minified: minified.text } : {}) };
  if (final.some((d) => d.severity === 'error')) return result;
  const lua = minified ? minified.text : file.text;
  const module = options.module ?? options.path.replace(/\.lua$/i, '') + '.ts';
  const sha = minified ? sha1Hex(lua) : sha1Hex(file.bytes);
  return { ...result, model: buildModel({ name, source: options.path, module, contract, flags: shebang.flags, lua, sha, ...(minified ? { minified } : {}) }) };
}
