// compile(): one script's text -> its diagnostics and, when it has no error, its WrapperModel.
// The phases run in the order of src/pipeline.ts; nothing here touches the disk.

import { createHash } from 'node:crypto';
import { createSourceFile, type SourceFile } from './source/source-file.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { makeDiagnostic } from './diagnostics/report.js';
import { findEncodingProblem } from './parse/encoding.js';
import { readShebang, type Shebang } from './parse/shebang.js';
import { parseLua, rangeOf, type ParsedLua } from './parse/parse-lua.js';
import { readContract } from './annotations/read-contract.js';
import { wrapperNameFromPath, wrapperNameProblem } from './annotations/wrapper-name.js';
import type { ScriptContract } from './annotations/contract.js';
import { collectUsage, inferContract } from './analyze/contract-usage.js';
import { analyzeScript } from './analyze/analyze-script.js';
import { applySuppressions, type SeverityOverrides } from './analyze/suppressions.js';
import { pascalCase, type WrapperModel } from './codegen/wrapper-model.js';
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

export function compile(source: string | Uint8Array, options: CompileOptions): CompileResult {
  const file = createSourceFile(options.path, source);
  const fallbackName = wrapperNameFromPath(options.path);
  let nameSpan = { start: 0, end: 0 };
  const result = (diagnostics: Diagnostic[], name = fallbackName): CompileResult => ({ file, diagnostics, name, nameSpan });

  // 1. Encoding: a BOM or bad UTF-8 stops here (Redis refuses a BOM; positions need UTF-8).
  const encoding = findEncodingProblem(file.bytes);
  if (encoding) {
    const start = encoding.kind === 'bom' ? 0 : new TextDecoder().decode(file.bytes.subarray(0, encoding.byteOffset)).length;
    return result([
      makeDiagnostic(file, {
        rule: 'bad-encoding',
        start,
        end: start + 1,
        message:
          encoding.kind === 'bom'
            ? "the file starts with a UTF-8 byte order mark: Redis refuses it (\"unexpected symbol near '\\xef'\")"
            : `invalid UTF-8 at byte ${encoding.byteOffset}`,
        hint:
          encoding.kind === 'bom'
            ? 'save the file as UTF-8 without BOM'
            : 'save the file as UTF-8; write binary data in strings with decimal escapes such as "\\255"',
      }),
    ]);
  }

  // 2. Shebang, validated as Redis validates it.
  const diagnostics: Diagnostic[] = [];
  const sb = readShebang(file.text);
  let shebang: Shebang | undefined;
  let shebangEnd = 0;
  if (sb.kind === 'error') {
    diagnostics.push(
      makeDiagnostic(file, {
        rule: 'bad-shebang',
        start: sb.start,
        end: sb.end,
        message: `Redis refuses this shebang: ${sb.message}`,
        hint:
          'write #!lua, optionally followed by one space and flags= with a comma list (no spaces) of no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys. Any shebang, even #!lua alone, puts the script in strict single-slot mode on Redis Cluster',
      }),
    );
    const nl = file.text.indexOf('\n');
    shebangEnd = nl < 0 ? file.text.length : nl;
  } else if (sb.kind === 'ok') {
    shebang = sb.shebang;
    shebangEnd = sb.shebang.end;
  }

  // 3. Parse.
  const parse = parseLua(file.text, shebangEnd);
  if (!parse.ok) {
    diagnostics.push(
      makeDiagnostic(file, {
        rule: 'syntax-error',
        start: parse.error.start,
        end: parse.error.end,
        message: parse.error.message,
        hint: 'Redis runs Lua 5.1: there is no goto, no // or bitwise operators (use math.floor(a / b) and bit.band/bit.bor), no <const>, and ;; is an error',
      }),
    );
    return result(diagnostics);
  }
  const parsed: ParsedLua = parse.parsed;

  // 4. Contract.
  const { contract, diagnostics: contractDiagnostics } = readContract(file, parsed);
  diagnostics.push(...contractDiagnostics);
  const name = contract.name?.value ?? fallbackName;
  if (contract.name) nameSpan = { start: contract.name.start, end: contract.name.end };
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

  // 5. Analysis: the contract against the body, keys, commands, sandbox, replies.
  const usage = collectUsage(parsed.ast);
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
  diagnostics.push(
    ...analyzeScript({
      file,
      parsed,
      contract,
      flags: shebang?.flags ?? (sb.kind === 'error' ? [] : undefined),
      usage,
      // A malformed contract would make every KEYS/ARGV use look out of range: report it alone.
      contractBroken: contractDiagnostics.length > 0,
    }),
  );

  // 6. Severity overrides and disable comments.
  const final = applySuppressions(file, parsed.comments, diagnostics, options.rules ?? {});

  // 7. Text to send (minified, or the source as is) and its digest.
  const mode = options.minify ?? 'full';
  const minified = mode === 'full' && sb.kind !== 'error' ? minifyLua(file.text, parsed, shebangEnd) : undefined;
  if (final.some((d) => d.severity === 'error')) return { ...result(final, name), ...(minified ? { minified: minified.text } : {}) };
  const lua = minified ? minified.text : file.text;
  const model: WrapperModel = {
    name,
    typeName: pascalCase(name),
    source: options.path,
    module: options.module ?? options.path.replace(/\.lua$/i, '') + '.ts',
    description: contract.description,
    keys: contract.keys.map((k) => ({ name: k.name, variadic: k.variadic, tagged: k.tagged, description: k.description })),
    args: contract.args.map((a) => ({ name: a.name, variadic: a.variadic, type: a.type, tagged: a.tagged, description: a.description })),
    returns: { type: contract.returns.type, description: contract.returns.description },
    lua,
    sha: minified ? sha1Hex(lua) : sha1Hex(file.bytes),
    ...(minified ? { lineMap: minified.lineMap } : {}),
    ...(minified?.localNames.length ? { localNames: minified.localNames } : {}),
    readOnly: shebang?.flags.includes('no-writes') ?? false,
    flags: shebang?.flags ?? [],
  };
  return { file, diagnostics: final, model, name, nameSpan, ...(minified ? { minified: minified.text } : {}) };
}

function describeInferred(contract: ScriptContract): string {
  const list = (items: { name: string; variadic: boolean }[], what: string) =>
    items.length === 0 ? `no ${what}s` : `${items.length} ${what}${items.length === 1 ? '' : 's'} (${items.map((i) => (i.variadic ? '...' : '') + i.name).join(', ')})`;
  return `${list(contract.keys, 'key')} and ${list(contract.args, 'arg')} of type string; the reply is typed as any`;
}
