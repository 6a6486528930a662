// compileProject(): the one function `build`, `check` and `watch` share. In: a config, the
// scripts' bytes, the runtime template and (optionally) the outputs currently on disk. Out:
// every output file (path relative to the output folder -> text) and every diagnostic.
// Touches no disk. A script with an error gets no new wrapper; when its previous wrapper
// is given, that last good output is kept (and stays in the index).

import { modulePathFor, pathProblem } from './config/script-path.js';
import { createSourceFile } from './source/source-file.js';
import { contractFor, type Config } from './config/config.js';
import { includeLines, resolveInclude, type ReadSource } from './compose/compose-script.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { makeDiagnostic } from './diagnostics/report.js';
import { emitRuntime, exportedNames, INDEX_EXPORTS, INDEX_MODULE, RUNTIME_MODULE, WRAPPER_IMPORTS } from './codegen/names.js';
import type { WrapperModel } from './codegen/wrapper-model.js';
import type { FreshJob, FreshScript } from './project/compile-fresh.js';
import { compileInWorkers, workerCount } from './project/workers.js';
import { emptyCache, freshEntry, hashOf, hashOfText, projectKey, scriptKey, type BuildCache, type CachedScript } from './cache/script-cache.js';

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
  /**
   * What an earlier run remembered (with `previous`, the outputs on disk): a script whose
   * inputs hash the same is not compiled again and its wrapper on disk is kept as it is.
   * Its `tool` names this tool's version; give emptyCache(tool) to start one.
   */
  cache?: BuildCache;
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
  /** What this run can tell the next one (given back as `cache`). */
  cache: BuildCache;
  /** How the scripts were had: compiled (on how many worker threads; 0: this thread) or from the cache. */
  compiled: { scripts: number; workers: number; cached: number };
}

/** One script's compile outcome: fresh from compile(), or taken from the cache. */
interface Outcome {
  input: ScriptInput;
  module: string;
  name: string;
  typeName: string;
  nameSpan: { start: number; end: number };
  includes: string[];
  diagnostics: Diagnostic[];
  /** The script has no error: it gets a wrapper. */
  built: boolean;
  /** Its wrapper's text: new, or the one on disk that is still what the script gives (cache hit). */
  wrapper?: string;
  /** The cache entry it came from, or the one to make once its wrapper is known. */
  entry: CachedScript;
  /** false when the entry must not be kept (a missing include can appear without the script changing). */
  cacheable: boolean;
}

export async function compileProject(input: ProjectInput): Promise<ProjectResult> {
  const all = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(all.map((f) => [f.path, f.bytes]));
  const readSource: ReadSource = (path) => byPath.get(path) ?? input.readSource?.(path);
  const libraries = librariesOf(all, input.config);
  const refused = refusedPaths(all, input.config);
  const files = all.filter((f) => !libraries.has(f.path) && !refused.has(f.path));
  const tool = input.cache?.tool ?? '';
  const project = projectKey(tool, input.config);
  const keyed = files.map((f) => {
    const module = modulePathFor(input.config, f.path);
    return { f, module, key: scriptKey(project, f.path, module, f.bytes) };
  });
  const hits = keyed.map(({ f, module, key }) => cachedOutcome(f, module, key, input, readSource));
  const misses = keyed.filter((_, i) => hits[i] === undefined);
  const jobs = misses.map(({ f, module }) => ({ path: f.path, module, bytes: f.bytes }));
  const workers = workerCount(jobs.length);
  const fresh = new Map((await compileMisses(jobs, workers, input, readSource)).map((r) => [r.path, r]));
  const outcomes = keyed.map(({ f, module, key }, i) => hits[i] ?? freshOutcome(f, module, key, fresh.get(f.path) as FreshScript));

  // A finding in an included file is found once per script that includes it: report it once.
  const diagnostics: Diagnostic[] = [...refused.values(), ...dedupe(outcomes.flatMap((o) => o.diagnostics))];
  const collided = checkCollisions(outcomes, diagnostics);
  const cache = emptyCache(tool);
  const { outputs, scripts } = await emitOutputs(outcomes, collided, input, cache);
  const compiled = { scripts: jobs.length, workers, cached: keyed.length - jobs.length };
  return { outputs, diagnostics: sortDiagnostics(diagnostics), scripts, cache, compiled };
}

/** A script's outcome from the cache, when its entry still holds (and its wrapper on disk is the one remembered). */
function cachedOutcome(f: ScriptInput, module: string, key: string, input: ProjectInput, readSource: ReadSource): Outcome | undefined {
  const hit = freshEntry(input.cache, f.path, key, readSource);
  if (!hit) return undefined;
  const onDisk = hit.wrapper !== undefined ? input.previous?.get(module) : undefined;
  // A script with an error has no wrapper to check; one without needs its wrapper on disk as remembered.
  const failed = hit.diagnostics.some((d) => d.severity === 'error');
  if (failed ? hit.wrapper !== undefined : onDisk === undefined || hashOfText(onDisk) !== hit.wrapper) return undefined;
  return { input: f, module, ...hit, includes: hit.includes.map(([p]) => p), built: !failed, wrapper: onDisk, entry: hit, cacheable: true };
}

function freshOutcome(f: ScriptInput, module: string, key: string, r: FreshScript): Outcome {
  const entry: CachedScript = { key, includes: r.includes, name: r.name, typeName: r.typeName, nameSpan: r.nameSpan, diagnostics: r.diagnostics };
  const { name, typeName, nameSpan, diagnostics, built, wrapper, cacheable } = r;
  return { input: f, module, name, typeName, nameSpan, includes: r.includes.map(([p]) => p), diagnostics, built, wrapper, entry, cacheable };
}

/**
 * Compiles (and, unless linting, emits) the scripts the cache could not give: on worker
 * threads when there are many, else here, one at a time (letting a stop request in between).
 */
async function compileMisses(jobs: FreshJob[], workers: number, input: ProjectInput, readSource: ReadSource): Promise<FreshScript[]> {
  const emit = !input.lintOnly;
  if (workers > 0) {
    const sources = includeSources(jobs, input.config, readSource);
    const onResult = (done: number, path: string) => input.onScript?.(done - 1, jobs.length, path);
    return compileInWorkers(jobs, workers, { config: input.config, sources, emit, signal: input.signal, onResult });
  }
  const out: FreshScript[] = [];
  for (const [index, job] of jobs.entries()) {
    input.onScript?.(index, jobs.length, job.path);
    if (input.signal) {
      await new Promise((resolve) => setImmediate(resolve)); // let a stop request in
      input.signal.throwIfAborted();
    }
    const { compileFresh } = await compiler();
    out.push(await compileFresh(job, input.config, readSource, emit));
  }
  return out;
}

/** Every file the scripts can include, followed from include to include (and preludes), with its bytes. */
function includeSources(jobs: readonly FreshJob[], config: Config, readSource: ReadSource): Map<string, Uint8Array | string> {
  const out = new Map<string, Uint8Array | string>();
  const visit = (from: string, bytes: Uint8Array | string) => {
    const text = typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes);
    for (const inc of includeLines(text)) {
      const target = resolveInclude(from, inc.reference);
      if ('path' in target) add(target.path);
    }
  };
  const add = (path: string) => {
    if (out.has(path)) return;
    const bytes = readSource(path);
    if (bytes === undefined) return;
    out.set(path, bytes);
    visit(path, bytes);
  };
  for (const job of jobs) {
    visit(job.path, job.bytes);
    for (const p of contractFor(config, job.path).prelude ?? []) add(p);
  }
  return out;
}

/** Wrappers (new, reused or last good), the index and the runtime; fills the new cache. */
async function emitOutputs(
  outcomes: readonly Outcome[],
  collided: ReadonlySet<string>,
  input: ProjectInput,
  cache: BuildCache,
): Promise<{ outputs: Map<string, string>; scripts: ScriptSummary[] }> {
  const outputs = new Map<string, string>();
  const indexed: Array<Pick<WrapperModel, 'name' | 'typeName' | 'module'>> = [];
  const scripts: ScriptSummary[] = [];
  for (const o of outcomes) {
    const summary: ScriptSummary = { path: o.input.path, name: o.name, module: o.module, includes: o.includes, status: 'failed' };
    scripts.push(summary);
    if (o.built && !collided.has(o.input.path)) {
      if (o.wrapper !== undefined) {
        outputs.set(o.module, o.wrapper);
        o.entry.wrapper = hashOfText(o.wrapper);
      }
      indexed.push({ name: o.name, typeName: o.typeName, module: o.module });
      summary.status = 'built';
    } else {
      const last = input.previous?.get(o.module);
      if (last !== undefined && !collided.has(o.input.path)) {
        outputs.set(o.module, last);
        indexed.push({ name: o.name, typeName: o.typeName, module: o.module });
        summary.status = 'kept';
      }
    }
  }
  // An entry is kept once it says everything a hit needs: the findings, and the wrapper's hash
  // whenever the script has no error (not known when the wrapper was not emitted).
  for (const o of outcomes) {
    const failed = o.entry.diagnostics.some((d) => d.severity === 'error');
    if (o.cacheable && (failed || o.entry.wrapper !== undefined)) cache.scripts[o.input.path] = o.entry;
  }
  if (!input.lintOnly) {
    outputs.set(INDEX_MODULE, await indexText(indexed, input, cache));
    outputs.set(RUNTIME_MODULE, emitRuntime(input.runtimeTemplate));
  }
  return { outputs, scripts };
}

/** The index: the one on disk when it lists the same wrappers as the cache remembers, else a new one. */
async function indexText(indexed: ReadonlyArray<Pick<WrapperModel, 'name' | 'typeName' | 'module'>>, input: ProjectInput, cache: BuildCache): Promise<string> {
  const style = { mode: input.config.mode, client: input.config.client };
  const key = hashOf(cache.tool, JSON.stringify([style, indexed.map((m) => [m.name, m.typeName, m.module]).sort()]));
  const onDisk = input.previous?.get(INDEX_MODULE);
  const remembered = input.cache?.index;
  const text = remembered?.key === key && onDisk !== undefined && hashOfText(onDisk) === remembered.text ? onDisk : await (await emitter()).emitIndex(indexed, style);
  cache.index = { key, text: hashOfText(text) };
  return text;
}

/** The compiler and the emitter (luaparse, the analysis, ts-morph, prettier), loaded when a script is not in the cache. */
const compiler = () => import('./project/compile-fresh.js');

/** ts-morph and prettier, loaded the first time something is emitted (a run that reuses every output never loads them). */
const emitter = () => import('./codegen/emit-wrapper.js');

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
    if (!mentionsInclude(f.bytes)) continue;
    const text = typeof f.bytes === 'string' ? f.bytes : new TextDecoder().decode(f.bytes);
    for (const inc of includeLines(text)) {
      const target = resolveInclude(f.path, inc.reference);
      if ('path' in target) out.add(target.path);
    }
  }
  for (const f of files) for (const p of contractFor(config, f.path).prelude ?? []) out.add(p);
  return out;
}

/** Whether a file can have an include line at all (most have none: they are not decoded). */
function mentionsInclude(bytes: Uint8Array | string): boolean {
  return typeof bytes === 'string' ? bytes.includes('@include') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('@include');
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
function checkCollisions(results: readonly Outcome[], diagnostics: Diagnostic[]): Set<string> {
  const owners = new Map<string, string>();
  const reserved = new Map<string, string>([
    ...INDEX_EXPORTS.map((n): [string, string] => [n, 'which the index exports for redis-luagen itself']),
    ...WRAPPER_IMPORTS.map((n): [string, string] => [n, "which every wrapper module imports"]),
  ]);
  const collided = new Set<string>();
  const report = (r: Outcome, message: string, hint: string) => {
    collided.add(r.input.path);
    const { start, end } = r.nameSpan;
    diagnostics.push(makeDiagnostic(createSourceFile(r.input.path, r.input.bytes), { rule: 'name-collision', start, end, message, hint }));
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
    for (const name of exportedNames(r.name)) {
      const taken = reserved.get(name);
      if (taken) {
        report(r, `the wrapper '${r.name}' would export '${name}', ${taken}`, 'add ---@name with another identifier');
        break;
      }
      const owner = owners.get(`name:${name}`);
      if (owner !== undefined && owner !== r.input.path) {
        report(r, `the wrapper '${r.name}' would export '${name}', which ${owner} exports too`, NAME_HINT);
        break;
      }
    }
    for (const name of exportedNames(r.name)) if (!owners.has(`name:${name}`)) owners.set(`name:${name}`, r.input.path);
  }
  // Report the first owner of a colliding name too, so both files show the problem.
  const reported = results.filter((r) => collided.has(r.input.path));
  for (const r of results) {
    if (collided.has(r.input.path)) continue;
    for (const other of reported) {
      const clash = exportedNames(r.name).some((n) => exportedNames(other.name).includes(n)) || r.module.toLowerCase() === other.module.toLowerCase();
      if (clash) {
        report(r, `the wrapper '${r.name}' (${r.module}) collides with ${other.input.path}`, NAME_HINT);
        break;
      }
    }
  }
  return collided;
}
