// watch: build once, then rebuild (debounced) whenever a script, a file a script includes,
// or the config changes.
// Never watches its own output folder; reloads the config when it changes; a script that
// breaks keeps its last good wrapper (compileProject is given the files on disk); a broken
// config is reported and the previous one stays in force until it is fixed.

import { relative, resolve, sep } from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { loadConfig, resolveOutDir, type LoadedConfig, type WriteReport } from '../io/files.js';
import { FileMemo, fileStamp } from '../io/file-memo.js';
import { runProject, writeRun, type ProjectRun, type Remembered, type RunOptions } from '../cli/run-project.js';

export type BuildEvent =
  | { kind: 'built'; run: ProjectRun; report: WriteReport; ms: number; /** Paths (relative to the working directory) whose change started this build; empty for the first. */ changed: string[] }
  | { kind: 'error'; error: Error };

export interface WatchOptions {
  onBuild: (event: BuildEvent) => void;
  debounceMs?: number;
  /** Resolves when the user stops watch: the build in progress stops at its next script. */
  stop?: Promise<void>;
}

export interface Watcher {
  root: string;
  /** Resolves after the build in progress (if any) and the next pending one finish. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** chokidar's window for changes of one file: a second change within it emits no event. */
const CHOKIDAR_THROTTLE_MS = 50;

const stampOf = (path: string): string | undefined => {
  try {
    return fileStamp(path);
  } catch {
    return undefined; // gone
  }
};

export async function startWatch(given: RunOptions, options: WatchOptions): Promise<Watcher> {
  // Long enough to take an editor's save (write, rename) or a checkout as one change; short
  // enough to leave most of the 100 ms between a save and the wrapper on disk to the build.
  const debounceMs = options.debounceMs ?? 10;
  const stopping = new AbortController();
  void options.stop?.then(() => stopping.abort());
  const memo = new FileMemo();
  const run: RunOptions = { ...given, signal: stopping.signal, memo };
  let loaded: LoadedConfig = await loadConfig(run.cwd, run.config);
  const root = loaded.root;
  let timer: NodeJS.Timeout | undefined;
  let building: Promise<void> = Promise.resolve();
  let pending = false;

  const outDir = () => resolveOutDir(loaded, run.cwd, run.out);
  const isConfig = (path: string) =>
    (loaded.file !== undefined && resolve(path) === loaded.file) || /(^|[\\/])redis-luagen\.config\.json$/.test(path);

  /** Files the scripts included at the last build (project-relative): a change rebuilds their dependents. */
  let dependencies = new Set<string>();

  /** Paths changed since the last build started. */
  let changed = new Set<string>();

  /** What the last build can tell the next: unchanged scripts are not compiled again. */
  let remembered: Remembered | undefined;

  const buildOnce = async (because: string[] = []): Promise<void> => {
    const started = performance.now();
    try {
      const project = await runProject(run, loaded, remembered);
      dependencies = new Set(project.result.scripts.flatMap((s) => s.includes));
      const report = await writeRun(project);
      remembered = report.remembered;
      options.onBuild({ kind: 'built', run: project, report, ms: performance.now() - started, changed: because });
    } catch (e) {
      if (!stopping.signal.aborted) options.onBuild({ kind: 'error', error: e as Error });
    }
  };

  let reloadPending = false;
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      pending = false;
      const reloadConfig = reloadPending;
      reloadPending = false;
      const because = [...changed].sort();
      changed = new Set();
      building = building.then(async () => {
        if (reloadConfig) {
          try {
            loaded = await loadConfig(run.cwd, run.config);
          } catch (e) {
            options.onBuild({ kind: 'error', error: e as Error });
            return;
          }
        }
        await buildOnce(because);
      });
    }, debounceMs);
    pending = true;
  };

  const ignored = (path: string): boolean => {
    const abs = resolve(path);
    const out = outDir();
    if (abs === out || abs.startsWith(out + sep)) return true;
    const rel = relative(root, abs);
    return /(^|[\\/])(node_modules|\.git)([\\/]|$)/.test(rel);
  };

  const watcher: FSWatcher = chokidarWatch(root, { ignored, ignoreInitial: true, awaitWriteFinish: false });
  const matchesScript = (path: string): boolean => {
    const rel = relative(root, resolve(path)).split(sep).join('/');
    if (dependencies.has(rel)) return true;
    if (!rel.endsWith('.lua')) return false;
    if (run.paths && run.paths.length) return true;
    return picomatch(loaded.config.include)(rel) && !(loaded.config.exclude.length && picomatch(loaded.config.exclude)(rel));
  };
  // chokidar drops a second change of a file within 50 ms of the first: look at each changed
  // file again once that window is over, and take a difference as a change of its own.
  const recheck = (path: string): void => {
    const stamp = stampOf(path);
    setTimeout(() => {
      if (!stopping.signal.aborted && stampOf(path) !== stamp) onChange(path);
    }, CHOKIDAR_THROTTLE_MS + 10).unref();
  };
  const onChange = (path: string): void => {
    memo.forget([resolve(path)]);
    recheck(path);
    if (isConfig(path) || matchesScript(path)) changed.add(relative(run.cwd, resolve(path)).split(sep).join('/'));
    if (isConfig(path)) {
      reloadPending = true;
      schedule();
    } else if (matchesScript(path)) {
      schedule();
    }
  };
  watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  building = buildOnce();
  await building;
  void warmUp();

  return {
    root,
    async idle() {
      while (pending || timer) await new Promise((r) => setTimeout(r, debounceMs));
      await building;
    },
    async close() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      await building;
      await watcher.close();
    },
  };
}

/**
 * A first build served from the cache loaded neither the compiler nor the emitter, and the
 * first wrapper a process formats costs ten times the next. Pay both now, in the background,
 * so that the first edit does not wait for them.
 */
async function warmUp(): Promise<void> {
  const [{ compile }, { emitWrapper }] = await Promise.all([import('../compile.js'), import('../codegen/emit-wrapper.js')]);
  const warm = compile('---@key k\n---@arg v string\n---@return integer\nreturn redis.call("SETNX", KEYS[1], ARGV[1])\n', { path: 'warm-up.lua' });
  if (warm.model) await emitWrapper(warm.model);
}
