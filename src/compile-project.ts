// compileProject(): the one function `build`, `check` and `watch` share. In: a config, the
// scripts' bytes, the runtime template and (optionally) the outputs currently on disk. Out:
// every output file (path relative to the output folder -> text) and every diagnostic.
// Touches no disk. A script with an error gets no new wrapper; when its previous wrapper
// is given, that last good output is kept (and stays in the index).

import { compile, type CompileResult } from './compile.js';
import { modulePathFor, pathProblem } from './config/script-path.js';
import { createSourceFile } from './source/source-file.js';
import { contractFor, type Config } from './config/config.js';
import { includeLines, resolveInclude, type ReadSource } from './compose/compose-script.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { makeDiagnostic } from './diagnostics/report.js';
import {
  emitIndex,
  emitRuntime,
  emitWrapper,
  exportedNames,
  INDEX_EXPORTS,
  INDEX_MODULE,
  RUNTIME_MODULE,
  WRAPPER_IMPORTS,
} from './codegen/emit-wrapper.js';
import { pascalCase, type WrapperModel } from './codegen/wrapper-model.js';

export interface ScriptInput {
  /** Path relative to the project root, with / separators. */
  path: string;
  bytes: Uint8Array | string;
  /** Why the file could not be read (its bytes are then empty). */
  unreadable?: string;
}

export interface ProjectInput {
  config: Config;
  files: readonly ScriptInput[];
  runtimeTemplate: string;
  /** Generated files now on disk, relative to the output folder (for keeping last good output). */
  previous?: ReadonlyMap<string, string>;
  /** Reads a project file that is not among `files` (an included file outside the globs). */
  readSource?: ReadSource;
  /** Stops the run between two scripts (watch stopping); the run then rejects with its reason. */
  signal?: AbortSignal;
  /** Called before each script is compiled (a progress line on a terminal). */
  onScript?: (index: number, total: number, path: string) => void;
  /** Findings only: no wrapper, index or runtime is generated (`check --lint`); `outputs` stays empty. */
  lintOnly?: boolean;
}

export interface ScriptSummary {
  path: string;
  name: string;
  module: string;
  /** Files it includes (its wrapper depends on them). */
  includes: string[];
  /** 'built': a new wrapper; 'kept': it failed and its last good wrapper was kept; 'failed': no wrapper. */
  status: 'built' | 'kept' | 'failed';
}

export interface ProjectResult {
  outputs: Map<string, string>;
  diagnostics: Diagnostic[];
  scripts: ScriptSummary[];
}

export async function compileProject(input: ProjectInput): Promise<ProjectResult> {
  const all = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(all.map((f) => [f.path, f.bytes]));
  const readSource: ReadSource = (path) => byPath.get(path) ?? input.readSource?.(path);
  const libraries = librariesOf(all, input.config);
  const refused = refusedPaths(all, input.config);
  const files = all.filter((f) => !libraries.has(f.path) && !refused.has(f.path));
  const results: Array<{ input: ScriptInput; result: CompileResult; module: string }> = [];
  for (const [index, f] of files.entries()) {
    input.onScript?.(index, files.length, f.path);
    if (input.signal) {
      await new Promise((resolve) => setImmediate(resolve)); // let a stop request in
      input.signal.throwIfAborted();
    }
    const module = modulePathFor(input.config, f.path);
    const options = {
      path: f.path,
      module,
      minify: input.config.minify,
      rules: input.config.rules,
      readSource,
      contract: contractFor(input.config, f.path),
      rulesFor: (file: string) => contractFor(input.config, file).rules,
    };
    results.push({ input: f, module, result: compile(f.bytes, options) });
  }

  // A finding in an included file is found once per script that includes it: report it once.
  const diagnostics: Diagnostic[] = [...refused.values(), ...dedupe(results.flatMap((r) => r.result.diagnostics))];
  const collided = checkCollisions(results, diagnostics);

  const outputs = new Map<string, string>();
  const indexed: Array<Pick<WrapperModel, 'name' | 'typeName' | 'module'>> = [];
  const scripts: ScriptSummary[] = [];
  for (const { input: f, result, module } of results) {
    const summary: ScriptSummary = { path: f.path, name: result.name, module, includes: result.includes, status: 'failed' };
    scripts.push(summary);
    if (result.model && !collided.has(f.path)) {
      if (!input.lintOnly) outputs.set(module, await emitWrapper(result.model));
      indexed.push(result.model);
      summary.status = 'built';
    } else {
      const last = input.previous?.get(module);
      if (last !== undefined && !collided.has(f.path)) {
        outputs.set(module, last);
        indexed.push({ name: result.name, typeName: pascalCase(result.name), module });
        summary.status = 'kept';
      }
    }
  }
  if (!input.lintOnly) {
    outputs.set(INDEX_MODULE, await emitIndex(indexed));
    outputs.set(RUNTIME_MODULE, emitRuntime(input.runtimeTemplate));
  }
  return { outputs, diagnostics: sortDiagnostics(diagnostics), scripts };
}

/** RL009 for every file that cannot be read or whose path cannot give a wrapper. */
function refusedPaths(files: readonly ScriptInput[], config: Config): Map<string, Diagnostic> {
  const out = new Map<string, Diagnostic>();
  for (const f of files) {
    const problem = pathProblem(config, f.path) ?? (f.unreadable ? `cannot read the file: ${f.unreadable}` : undefined);
    if (!problem) continue;
    const file = createSourceFile(f.path, '');
    out.set(f.path, makeDiagnostic(file, { rule: 'bad-path', start: 0, end: 0, message: `no wrapper for ${JSON.stringify(f.path)}: ${problem}`, hint: 'rename or move the file, or change include/rootDir in the config' }));
  }
  return out;
}

/** Files that scripts include (by @include or a prelude): libraries, not scripts of their own. */
function librariesOf(files: readonly ScriptInput[], config: Config): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const text = typeof f.bytes === 'string' ? f.bytes : new TextDecoder().decode(f.bytes);
    for (const inc of includeLines(text)) {
      const target = resolveInclude(f.path, inc.reference);
      if ('path' in target) out.add(target.path);
    }
    for (const p of contractFor(config, f.path).prelude ?? []) out.add(p);
  }
  return out;
}

function dedupe(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}\0${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const NAME_HINT =
  'give one script another ---@name; for a file you do not edit, set its name in the config: "contracts": [{ "files": "<path>", "name": "<identifier>" }]';

/** RL004: two scripts whose wrapper names, exported names or output modules collide. */
function checkCollisions(
  results: ReadonlyArray<{ input: ScriptInput; result: CompileResult; module: string }>,
  diagnostics: Diagnostic[],
): Set<string> {
  const owners = new Map<string, string>();
  const reserved = new Map<string, string>([
    ...INDEX_EXPORTS.map((n): [string, string] => [n, 'which the index exports for redis-luagen itself']),
    ...WRAPPER_IMPORTS.map((n): [string, string] => [n, "which every wrapper module imports"]),
  ]);
  const collided = new Set<string>();
  const report = (r: { input: ScriptInput; result: CompileResult }, message: string, hint: string) => {
    collided.add(r.input.path);
    const { start, end } = r.result.nameSpan;
    diagnostics.push(makeDiagnostic(r.result.file, { rule: 'name-collision', start, end, message, hint }));
  };
  for (const r of results) {
    const moduleKey = `module:${r.module.toLowerCase()}`;
    if (r.module === INDEX_MODULE || r.module === RUNTIME_MODULE) {
      report(r, `the output module ${r.module} is reserved for redis-luagen's own ${r.module === INDEX_MODULE ? 'index' : 'runtime helper'}`, 'rename the .lua file');
    } else if (owners.has(moduleKey)) {
      report(r, `the output module ${r.module} is also produced by ${owners.get(moduleKey)}`, 'rename one of the .lua files, or give them different rootDir-relative folders');
    } else {
      owners.set(moduleKey, r.input.path);
    }
    for (const name of exportedNames(r.result.name)) {
      const taken = reserved.get(name);
      if (taken) {
        report(r, `the wrapper '${r.result.name}' would export '${name}', ${taken}`, 'add ---@name with another identifier');
        break;
      }
      const owner = owners.get(`name:${name}`);
      if (owner !== undefined && owner !== r.input.path) {
        report(r, `the wrapper '${r.result.name}' would export '${name}', which ${owner} exports too`, NAME_HINT);
        break;
      }
    }
    for (const name of exportedNames(r.result.name)) if (!owners.has(`name:${name}`)) owners.set(`name:${name}`, r.input.path);
  }
  // Report the first owner of a colliding name too, so both files show the problem.
  for (const r of results) {
    if (collided.has(r.input.path)) continue;
    for (const other of results) {
      if (other === r || !collided.has(other.input.path)) continue;
      const clash = exportedNames(r.result.name).some((n) => exportedNames(other.result.name).includes(n)) || r.module.toLowerCase() === other.module.toLowerCase();
      if (clash) {
        report(r, `the wrapper '${r.result.name}' (${r.module}) collides with ${other.input.path}`, NAME_HINT);
        break;
      }
    }
  }
  return collided;
}
