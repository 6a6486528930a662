// watch: build once, then rebuild (debounced) whenever a script, a file a script includes,
// or the config changes.
// Never watches its own output folder; reloads the config when it changes; a script that
// breaks keeps its last good wrapper (compileProject is given the files on disk); a broken
// config is reported and the previous one stays in force until it is fixed.

import { relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { loadConfig, resolveOutDir, type LoadedConfig, type WriteReport } from '../io/files.js';
import { FileMemo } from '../io/file-memo.js';
import { watchFiles } from './file-events.js';
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

export async function startWatch(given: RunOptions, options: WatchOptions): Promise<Watcher> {
  const session = new Session(given, options, await loadConfig(given.cwd, given.config));
  const files = await watchFiles(session.root, (path) => session.ignored(path), (path) => session.onChange(path), session.stopping.signal);
  await session.start();
  void warmUp();
  return {
    root: session.root,
    idle: () => session.idle(),
    async close() {
      await session.close();
      await files.close();
    },
  };
}

/** One watch: the config in force, what the last build found, and the rebuild to come. */
class Session {
  readonly stopping = new AbortController();
  readonly root: string;
  private readonly run: RunOptions;
  private readonly memo = new FileMemo();
  /** Long enough to take an editor's save (write, rename) or a checkout as one change; short enough to leave most of the 100 ms between a save and its wrapper on disk to the build. */
  private readonly debounceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private building: Promise<void> = Promise.resolve();
  private pending = false;
  private reloadPending = false;
  /** Files the scripts included at the last build (project-relative): a change rebuilds their dependents. */
  private dependencies = new Set<string>();
  /** Paths changed since the last build started. */
  private changed = new Set<string>();
  /** What the last build can tell the next: unchanged scripts are not compiled again. */
  private remembered: Remembered | undefined;

  constructor(
    given: RunOptions,
    private readonly options: WatchOptions,
    private loaded: LoadedConfig,
  ) {
    this.debounceMs = options.debounceMs ?? 10;
    void options.stop?.then(() => this.stopping.abort());
    this.run = { ...given, signal: this.stopping.signal, memo: this.memo };
    this.root = loaded.root;
  }

  async start(): Promise<void> {
    this.building = this.buildOnce();
    await this.building;
  }

  /** The output folder, node_modules and .git are never watched. */
  ignored(path: string): boolean {
    const abs = resolve(path);
    const out = resolveOutDir(this.loaded, this.run.cwd, this.run.out);
    if (abs === out || abs.startsWith(out + sep)) return true;
    return /(^|[\\/])(node_modules|\.git)([\\/]|$)/.test(relative(this.root, abs));
  }

  onChange(path: string): void {
    this.memo.forget([resolve(path)]);
    const config = this.isConfig(path);
    if (!config && !this.matchesScript(path)) return;
    this.changed.add(relative(this.run.cwd, resolve(path)).split(sep).join('/'));
    if (config) this.reloadPending = true;
    this.schedule();
  }

  async idle(): Promise<void> {
    while (this.pending || this.timer) await new Promise((r) => setTimeout(r, this.debounceMs));
    await this.building;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.building;
  }

  private isConfig(path: string): boolean {
    return (this.loaded.file !== undefined && resolve(path) === this.loaded.file) || /(^|[\\/])redis-luagen\.config\.json$/.test(path);
  }

  private matchesScript(path: string): boolean {
    const rel = relative(this.root, resolve(path)).split(sep).join('/');
    if (this.dependencies.has(rel)) return true;
    if (!rel.endsWith('.lua')) return false;
    if (this.run.paths && this.run.paths.length) return true;
    const { include, exclude } = this.loaded.config;
    return picomatch(include)(rel) && !(exclude.length && picomatch(exclude)(rel));
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.pending = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = false;
      const reloadConfig = this.reloadPending;
      this.reloadPending = false;
      const because = [...this.changed].sort();
      this.changed = new Set();
      this.building = this.building.then(() => this.rebuild(reloadConfig, because));
    }, this.debounceMs);
  }

  /** Reloads the config when it changed (a broken one is reported and the previous one stays), then builds. */
  private async rebuild(reloadConfig: boolean, because: string[]): Promise<void> {
    if (reloadConfig) {
      try {
        this.loaded = await loadConfig(this.run.cwd, this.run.config);
      } catch (e) {
        this.options.onBuild({ kind: 'error', error: e as Error });
        return;
      }
    }
    await this.buildOnce(because);
  }

  private async buildOnce(because: string[] = []): Promise<void> {
    const started = performance.now();
    try {
      const project = await runProject(this.run, this.loaded, this.remembered);
      this.dependencies = new Set(project.result.scripts.flatMap((s) => s.includes));
      const report = await writeRun(project);
      this.remembered = report.remembered;
      this.options.onBuild({ kind: 'built', run: project, report, ms: performance.now() - started, changed: because });
    } catch (e) {
      if (!this.stopping.signal.aborted) this.options.onBuild({ kind: 'error', error: e as Error });
    }
  }
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
