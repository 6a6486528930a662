// One pass over a project from disk: config -> scripts -> compileProject. Shared by build,
// check and watch; returns data, prints nothing.

import { join, relative } from 'node:path';
import { compileProject, type ProjectResult } from '../compile-project.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { RULES } from '../diagnostics/codes.js';
import { INDEX_MODULE, RUNTIME_MODULE } from '../codegen/names.js';
import {
  checkOutDir,
  findGiven,
  findScripts,
  loadConfig,
  PathError,
  writeOutputs,
  writeOwnFile,
  type WriteReport,
  readGenerated,
  readProjectFile,
  readRuntimeTemplate,
  readScripts,
  resolveOutDir,
  type LoadedConfig,
} from '../io/files.js';
import type { FileMemo } from '../io/file-memo.js';
import type { Target } from '../analyze/data/index.js';
import type { CallMode, ClientKind } from '../codegen/names.js';
import { CACHE_FILE, cacheFrom, readCacheText, toolFingerprint } from '../io/cache-file.js';
import { emptyCache, serializeCache, type BuildCache } from '../cache/script-cache.js';

export interface RunOptions {
  cwd: string;
  config?: string;
  out?: string;
  paths?: readonly string[];
  /** Stops the run between two scripts. */
  signal?: AbortSignal;
  /** Called before each script is compiled. */
  onScript?: (index: number, total: number, path: string) => void;
  /** Findings only: nothing is generated, so nothing can be written or compared. */
  lintOnly?: boolean;
  /** Reads scripts and generated files through this memo (watch keeps one across rebuilds). */
  memo?: FileMemo;
  /** --target: the server to check for, over the config's "target". */
  target?: Target;
  /** --mode: how wrappers call (eval or functions), over the config's "mode". */
  mode?: CallMode;
  /** --client: the client the wrappers take, over the config's "client". */
  client?: ClientKind;
}

/** The config with the command line's overrides applied. */
export function withOverrides(loaded: LoadedConfig, options: Pick<RunOptions, 'target' | 'mode' | 'client'>): LoadedConfig {
  const overrides = { ...(options.target ? { target: options.target } : {}), ...(options.mode ? { mode: options.mode } : {}), ...(options.client ? { client: options.client } : {}) };
  return Object.keys(overrides).length ? { ...loaded, config: { ...loaded.config, ...overrides } } : loaded;
}

/** What a run remembers for the next (watch keeps it in memory instead of reading the file). */
export interface Remembered {
  cache: BuildCache;
  /** The cache file's text on disk, to write it only when it changed. */
  text: string | undefined;
}

export interface ProjectRun {
  loaded: LoadedConfig;
  outDir: string;
  result: ProjectResult;
  /**
   * When paths narrow the run: the outputs written and compared (the named scripts'
   * wrappers, the index and the runtime). Other scripts' wrappers are left as they are.
   */
  selected?: ReadonlySet<string>;
  existing: Map<string, string>;
  /** Diagnostics with `file` relative to the working directory. */
  diagnostics: Diagnostic[];
  /** Source text by cwd-relative path of the files with a finding, for code frames. */
  sources: Map<string, string>;
  /** The cache file as this run found it. */
  cacheText: string | undefined;
}

export async function runProject(options: RunOptions, loaded?: LoadedConfig, remembered?: Remembered): Promise<ProjectRun> {
  const config = withOverrides(loaded ?? (await loadConfig(options.cwd, options.config)), options);
  const outDir = resolveOutDir(config, options.cwd, options.out);
  const given = options.paths?.length ? await findGiven(config, options.cwd, options.paths) : undefined;
  const paths = [...new Set([...(await findScripts(config)), ...(given ?? [])])].sort();
  if (!paths.length) throw new PathError(`no script matches include ${JSON.stringify(config.config.include)}${config.file ? ` (${relative(options.cwd, config.file)})` : ''}: nothing to build`);
  checkOutDir(config, outDir, paths);
  const files = await readScripts(config.root, paths, options.memo);
  const existing = await readGenerated(outDir, options.memo);
  const cacheText = remembered ? remembered.text : await readCacheText(outDir);
  const cache = remembered?.cache ?? cacheFrom(cacheText) ?? emptyCache(toolFingerprint());
  const included = new Map<string, Uint8Array>();
  const readSource = (path: string) => {
    if (included.has(path)) return included.get(path); // read once per run, however many scripts include it
    const bytes = readProjectFile(config.root, path);
    if (bytes) included.set(path, bytes);
    return bytes;
  };
  const result = await compileProject({
    config: config.config,
    files,
    runtimeTemplate: readRuntimeTemplate(config.config.client),
    previous: existing,
    readSource,
    signal: options.signal,
    onScript: options.onScript,
    lintOnly: options.lintOnly,
    cache,
  });
  const toCwd = (p: string) => relative(options.cwd, join(config.root, p)).split('\\').join('/');
  // Only the files a finding is in are shown (as code frames): decode only those.
  const shownFiles = new Set(result.diagnostics.map((d) => d.file));
  const sources = new Map<string, string>();
  for (const f of [...files, ...[...included].map(([path, bytes]) => ({ path, bytes }))]) {
    if (!shownFiles.has(f.path)) continue;
    sources.set(toCwd(f.path), typeof f.bytes === 'string' ? f.bytes : new TextDecoder().decode(f.bytes));
  }
  const selection = given ? select(result, new Set(given)) : undefined;
  const shown = selection ? result.diagnostics.filter((d) => selection.files.has(d.file)) : result.diagnostics;
  const diagnostics = shown.map((d) => ({ ...d, file: toCwd(d.file) }));
  return { loaded: config, outDir, result, existing, diagnostics, sources, selected: selection?.outputs, cacheText };
}

/** What a run narrowed to some scripts shows and writes: their files (and includes) and outputs. */
function select(result: ProjectResult, given: ReadonlySet<string>): { files: Set<string>; outputs: Set<string> } {
  const scripts = result.scripts.filter((s) => given.has(s.path));
  return {
    files: new Set([...given, ...scripts.flatMap((s) => s.includes)]),
    outputs: new Set([...scripts.map((s) => s.module), INDEX_MODULE, RUNTIME_MODULE]),
  };
}

/**
 * Writes a run's outputs: all of them, or only the selected ones (then nothing is removed);
 * then the cache, when it changed. Returns the report and what the next run may reuse.
 */
export async function writeRun(run: ProjectRun): Promise<WriteReport & { remembered: Remembered }> {
  const selected = run.selected;
  const outputs = selected ? new Map([...run.result.outputs].filter(([path]) => selected.has(path))) : run.result.outputs;
  const report = await writeOutputs(run.outDir, outputs, run.existing, { remove: !selected });
  const text = serializeCache(run.result.cache);
  if (text !== run.cacheText) await writeOwnFile(run.outDir, CACHE_FILE, text);
  return { ...report, remembered: { cache: run.result.cache, text } };
}

/**
 * RL011 for every generated file that differs from what build would write now: missing or
 * stale (on the script, when the file is its wrapper), or extra (its script is gone). A run
 * narrowed by paths compares only its selected outputs.
 */
export function driftDiagnostics(run: ProjectRun, cwd: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const generated = (path: string) => relative(cwd, join(run.outDir, path)).split('\\').join('/');
  const scriptOf = new Map(run.result.scripts.map((s) => [s.module, relative(cwd, join(run.loaded.root, s.path)).split('\\').join('/')]));
  const compared = (path: string) => !run.selected || run.selected.has(path);
  for (const [path, text] of run.result.outputs) {
    if (!compared(path)) continue;
    const onDisk = run.existing.get(path);
    if (onDisk === text) continue;
    const state = onDisk === undefined ? 'missing' : 'stale';
    const script = scriptOf.get(path);
    const message = script ? `its wrapper ${generated(path)} is ${state}` : `${generated(path)} is ${state}`;
    out.push(driftDiagnostic(script ?? generated(path), message));
  }
  if (!run.selected) {
    for (const path of run.existing.keys()) if (!run.result.outputs.has(path)) out.push(driftDiagnostic(generated(path), `${generated(path)} is extra: its script is gone`));
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function driftDiagnostic(file: string, message: string): Diagnostic {
  const info = RULES['stale-output'];
  return { code: info.code, rule: info.rule, severity: 'error', message, file, line: 1, column: 1, endLine: 1, endColumn: 1, hint: 'run redis-luagen build and commit the output folder', start: 0, end: 0 };
}
