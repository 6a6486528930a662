// The command line: parses argv, runs build / check / watch, returns an exit code.
// 0 clean, 1 findings or stale output, 2 usage, config or internal error.
// Nothing below this module calls process.exit.

import { parseArgs } from 'node:util';
import { join, relative, resolve, sep } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { MinifyMode } from '../compile.js';
import { countDiagnostics } from '../diagnostics/diagnostic.js';
import { FORMATS, render, type Format } from '../diagnostics/render/render.js';
import { clientProblem, ConfigError, targetProblem } from '../config/config.js';
import type { Target } from '../analyze/data/index.js';
import type { CallMode, ClientKind } from '../codegen/names.js';
import { loadConfig, PathError, readPackageFile, readProjectFile, readRuntimeTemplate, removePendingTemps } from '../io/files.js';
import { compileProject } from '../compile-project.js';
import { driftDiagnostics, runProject, withOverrides, writeRun, type ProjectRun, type RunOptions } from './run-project.js';
import { COMMANDS, commandHelp, suggestion } from './help.js';
import { RULES, ruleByCode } from '../diagnostics/codes.js';

export { HELP } from './help.js';

export interface CliIO {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  /** Resolves when the user stops `watch` (SIGINT/SIGTERM in the real process). */
  untilStopped?: Promise<void>;
  /**
   * Called before outputs are written, with a cleanup that removes temp files being written;
   * returns a function called after. The real process stops on SIGINT/SIGTERM at once while
   * compiling (nothing to clean), and runs the cleanup first while writing.
   */
  whileWriting?: (cleanup: () => void) => () => void;
  /** Called when watch starts: the real process then listens for SIGINT/SIGTERM (untilStopped). */
  onWatchStart?: () => void;
  /** All of standard input (`check -`). */
  readStdin?: () => Promise<string>;
  /** stderr is a terminal: runs longer than `afterMs` show a progress line there. */
  progress?: { afterMs: number };
}

function version(): string {
  try {
    const pkg = JSON.parse(readPackageFile('package.json')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

class UsageError extends Error {}

interface Parsed {
  command: 'build' | 'check' | 'watch' | 'minify' | 'init' | 'explain';
  run: RunOptions;
  format: Format;
  maxWarnings: number | undefined;
  mode: MinifyMode;
  /** --color / --no-color; undefined: what the terminal and NO_COLOR / FORCE_COLOR say. */
  color?: boolean;
  /** --quiet: errors only, no summary line. */
  quiet: boolean;
  /** --verbose: one line per script (built, kept, failed) after the findings. */
  verbose: boolean;
  /** --stdin-filename: the path a script read from stdin (`check -`) is checked as. */
  stdinFilename?: string;
}

const OPTIONS = ['--config', '--out', '--target', '--format', '--max-warnings', '--mode', '--client', '--color', '--no-color', '--quiet', '--verbose', '--lint', '--stdin-filename', '--help', '--version'];

function parse(argv: readonly string[], cwd: string): Parsed | { help: string } | 'version' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        target: { type: 'string' },
        format: { type: 'string' },
        'max-warnings': { type: 'string' },
        mode: { type: 'string' },
        client: { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean' },
        lint: { type: 'boolean' },
        'stdin-filename': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (e) {
    const unknown = /^Unknown option '([^']+)'/.exec((e as Error).message)?.[1];
    throw new UsageError(unknown ? `unknown option ${unknown}${suggestion(unknown, OPTIONS)}` : (e as Error).message.split('. ')[0] as string);
  }
  const [command, ...paths] = positionals;
  if (values.help || command === 'help') return { help: commandHelp(command === 'help' ? paths[0] : command) };
  if (values.version) return 'version';
  if (command === undefined) throw new UsageError('missing command (build, check, watch or minify)');
  if (command !== 'build' && command !== 'check' && command !== 'watch' && command !== 'minify' && command !== 'init' && command !== 'explain') throw new UsageError(`unknown command '${command}'${suggestion(command, COMMANDS)}`);
  if (command === 'minify' && paths.length !== 1) throw new UsageError('minify takes exactly one .lua file');
  if (command === 'explain' && paths.length !== 1) throw new UsageError('explain takes one rule code or name (explain RL101)');
  // --mode is the minify mode of `minify`, and how wrappers call (eval or functions) elsewhere.
  const mode = (command === 'minify' ? (values.mode ?? 'full') : 'full') as MinifyMode;
  if (mode !== 'full' && mode !== 'none') throw new UsageError(`--mode must be full or none, got '${values.mode}'`);
  const callMode = command === 'minify' ? undefined : (values.mode as CallMode | undefined);
  if (callMode !== undefined && callMode !== 'eval' && callMode !== 'functions') throw new UsageError(`--mode must be eval or functions, got '${values.mode}'`);
  const format = (values.format ?? 'pretty') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${values.format}'`);
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings must be a whole number >= 0, got '${values['max-warnings']}'`);
  }
  const color = values['no-color'] ? false : values.color ? true : undefined;
  const stdin = values['stdin-filename'];
  if (values.lint && command !== 'check') throw new UsageError('--lint is an option of check');
  const targetProblemText = values.target === undefined ? undefined : targetProblem(values.target);
  if (targetProblemText) throw new UsageError(`--target ${targetProblemText}`);
  const target = values.target as Target | undefined;
  const clientText = values.client === undefined ? undefined : clientProblem(values.client);
  if (clientText) throw new UsageError(`--client ${clientText}`);
  const client = values.client as ClientKind | undefined;
  return { command, run: { cwd, config: values.config, out: values.out, paths, ...(target ? { target } : {}), ...(callMode ? { mode: callMode } : {}), ...(client ? { client } : {}), ...(values.lint ? { lintOnly: true } : {}) }, format, maxWarnings, mode, color, quiet: values.quiet === true, verbose: values.verbose === true, ...(stdin ? { stdinFilename: stdin } : {}) };
}

export function summaryLine(run: ProjectRun, ms: number, extra: string[]): string {
  const c = countDiagnostics(run.diagnostics);
  const n = run.result.scripts.length;
  const failed = run.result.scripts.filter((s) => s.status !== 'built').length;
  const parts = [`${n} script${n === 1 ? '' : 's'}`, ...(failed ? [`${failed} not built`] : []), ...extra];
  parts.push(`${c.errors} error${c.errors === 1 ? '' : 's'}`, `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`);
  if (c.infos) parts.push(`${c.infos} info`);
  return `redis-luagen: ${parts.join(', ')} in ${Math.round(ms)} ms\n`;
}

/**
 * The rule pages (for SARIF's rule help and explain). They pull in every rule, so they are
 * loaded only by the commands that print them, before the first print.
 */
let ruleDocs: typeof import('../analyze/rules-doc.js') | undefined;

function printDiagnostics(run: Pick<ProjectRun, 'diagnostics' | 'sources'>, p: Pick<Parsed, 'format' | 'quiet'>, io: CliIO): void {
  const list = p.quiet ? run.diagnostics.filter((d) => d.severity === 'error') : run.diagnostics;
  if (p.format === 'json' || p.format === 'sarif') {
    const docs = ruleDocs;
    const ruleHelp = docs && ((code: string) => ({ text: docs.ruleText(code), markdown: docs.rulePage(code) }));
    io.stdout(render(p.format, list, { toolVersion: version(), ...(ruleHelp ? { ruleHelp } : {}) }));
    return;
  }
  const text = render(p.format, list, { sources: run.sources, color: io.color });
  if (text) io.stdout(text);
}

/**
 * The run's options with a progress line on a terminal: "[12/1000] scripts/x.lua", shown once
 * the run has taken `afterMs`, redrawn at most every 100 ms; `clear` removes it.
 */
function withProgress(p: Parsed, io: CliIO): { run: RunOptions; clear: () => void } {
  const progress = io.progress;
  if (!progress || p.quiet) return { run: p.run, clear: () => undefined };
  const started = performance.now();
  let last = 0;
  let shown = false;
  const onScript = (index: number, total: number, path: string) => {
    const now = performance.now();
    if (now - started < progress.afterMs || now - last < 100) return;
    last = now;
    shown = true;
    io.stderr(`\r\u001b[K[${index + 1}/${total}] ${path}`);
  };
  return { run: { ...p.run, onScript }, clear: () => shown && io.stderr('\r\u001b[K') };
}

/** --verbose: what became of each script. */
function scriptLines(p: Parsed, run: ProjectRun, io: CliIO): void {
  if (!p.verbose) return;
  for (const s of run.result.scripts) io.stderr(`redis-luagen: ${s.status.padEnd(6)} ${s.path} -> ${s.module}\n`);
  const { scripts, workers, cached } = run.result.compiled;
  io.stderr(`redis-luagen: ${scripts} compiled${workers ? ` on ${workers} worker threads` : ''}, ${cached} unchanged since the last build (from the cache)\n`);
}

/** The summary line on stderr, unless --quiet. */
function summary(p: Pick<Parsed, 'quiet'>, io: CliIO, line: string): void {
  if (!p.quiet) io.stderr(line);
}

function verdict(run: Pick<ProjectRun, 'diagnostics'>, maxWarnings: number | undefined, io: CliIO): number {
  const c = countDiagnostics(run.diagnostics);
  if (c.errors > 0) return 1;
  if (maxWarnings !== undefined && c.warnings > maxWarnings) {
    io.stderr(`redis-luagen: ${c.warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}

export async function build(p: Parsed, io: CliIO): Promise<number> {
  const started = performance.now();
  const progress = withProgress(p, io);
  const run = await runProject(progress.run).finally(progress.clear);
  const release = io.whileWriting?.(removePendingTemps);
  let report;
  try {
    report = await writeRun(run);
  } finally {
    release?.();
  }
  printDiagnostics(run, p, io);
  scriptLines(p, run, io);
  const outRel = relative(io.cwd, run.outDir) || '.';
  summary(
    p,
    io,
    summaryLine(run, performance.now() - started, [
      `${report.written.length} written`,
      `${report.unchanged.length} unchanged`,
      `${report.removed.length} removed in ${outRel}`,
    ]),
  );
  return verdict(run, p.maxWarnings, io);
}

export async function check(p: Parsed, io: CliIO): Promise<number> {
  const started = performance.now();
  const progress = withProgress(p, io);
  const run = await runProject(progress.run).finally(progress.clear);
  // --lint: the scripts' findings only; the output folder is not compared.
  const drift = p.run.lintOnly ? [] : driftDiagnostics(run, io.cwd);
  const shown = { ...run, diagnostics: [...run.diagnostics, ...drift] };
  printDiagnostics(shown, p, io);
  scriptLines(p, run, io);
  if (drift.length) io.stderr(`redis-luagen: generated files are out of date: run redis-luagen build\n`);
  const compared = p.run.lintOnly ? 'output not compared (--lint)' : `${drift.length} generated file${drift.length === 1 ? '' : 's'} out of date`;
  summary(p, io, summaryLine(shown, performance.now() - started, [compared]));
  return verdict(shown, p.maxWarnings, io);
}

/**
 * `check -`: one script read from standard input (editors, pre-commit hooks), checked with the
 * project's config as if it were at --stdin-filename (default: stdin.lua in rootDir). Writes nothing.
 */
async function checkStdin(p: Parsed, io: CliIO): Promise<number> {
  if (!io.readStdin) throw new UsageError('check - reads a script from standard input, which this caller does not give');
  const text = await io.readStdin();
  const loaded = withOverrides(await loadConfig(io.cwd, p.run.config), p.run);
  const given = p.stdinFilename ? resolve(io.cwd, p.stdinFilename) : join(loaded.root, loaded.config.rootDir, 'stdin.lua');
  const path = relative(loaded.root, given).split(sep).join('/');
  const result = await compileProject({ config: loaded.config, files: [{ path, bytes: text }], runtimeTemplate: readRuntimeTemplate(loaded.config.client), readSource: (x) => readProjectFile(loaded.root, x) });
  const shownPath = relative(io.cwd, join(loaded.root, path)).split(sep).join('/');
  const diagnostics = result.diagnostics.filter((d) => d.file === path).map((d) => ({ ...d, file: shownPath }));
  const run = { diagnostics, sources: new Map([[shownPath, text]]) };
  printDiagnostics(run, p, io);
  return verdict(run, p.maxWarnings, io);
}

/** Prints the bytes that would be sent; a script Redis would refuse gets its diagnostics instead. */
async function minify(p: Parsed, io: CliIO): Promise<number> {
  const path = p.run.paths?.[0] as string;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(resolve(io.cwd, path)));
  } catch {
    io.stderr(`redis-luagen: cannot read ${path}\n`);
    return 2;
  }
  const { compile } = await import('../compile.js');
  const result = compile(bytes, { path, minify: p.mode });
  const input = result.diagnostics.filter((d) => d.severity === 'error' && ['RL001', 'RL003', 'RL005'].includes(d.code));
  if (input.length) {
    io.stderr(render('pretty', input, { sources: new Map([[path, result.file.text]]), color: io.color }));
    return 1;
  }
  io.stdout(p.mode === 'none' ? result.file.text : (result.minified as string));
  return 0;
}

/** A rule's page, by code or name (as rustc --explain). */
async function explain(which: string, io: CliIO): Promise<number> {
  const { rulePage } = await import('../analyze/rules-doc.js');
  const info = ruleByCode(which.toUpperCase()) ?? Object.values(RULES).find((r) => r.rule === which);
  if (!info) {
    const known = Object.values(RULES).flatMap((r) => [r.code, r.rule]);
    io.stderr(`redis-luagen: no rule '${which}'${suggestion(which, known)}; the rules are listed in docs/rules.md\n`);
    return 2;
  }
  io.stdout(`# ${info.code} ${info.rule}\n\n${info.summary}\n\n${rulePage(info.code)}\n`);
  return 0;
}

async function initCommand(p: Parsed, io: CliIO): Promise<number> {
  const { init } = await import('./init.js');
  const r = await init(io.cwd, p.run.client);
  if ('exists' in r) {
    io.stderr(`redis-luagen: ${r.exists} exists already: init writes nothing over it\n`);
    return 2;
  }
  io.stdout(`Wrote ${r.written.join(' and ')} (wrappers for ${r.client}). Next:\n  npx redis-luagen build    # wrappers in src/generated\n  npx redis-luagen check    # in CI: fails on findings and on a forgotten build\n`);
  return 0;
}

/** "[14:03:07] lua/a.lua changed: " before a watch build's summary (the time alone for the first build). */
function watchPrefix(changed: readonly string[]): string {
  const time = new Date().toTimeString().slice(0, 8);
  const files = changed.length > 3 ? `${changed.slice(0, 3).join(', ')} and ${changed.length - 3} more` : changed.join(', ');
  return `[${time}] ${files ? `${files} changed: ` : ''}`;
}

async function watch(p: Parsed, io: CliIO): Promise<number> {
  io.onWatchStart?.();
  const { startWatch } = await import('../watch/watch.js');
  const watcher = await startWatch(p.run, {
    stop: io.untilStopped,
    onBuild: (event) => {
      if (event.kind === 'error') {
        io.stderr(`redis-luagen: ${event.error.message}\n`);
        return;
      }
      printDiagnostics(event.run, p, io);
      summary(p, io, watchPrefix(event.changed) + summaryLine(event.run, event.ms, [`${event.report.written.length} written`, `${event.report.removed.length} removed`]));
    },
  });
  io.stderr(`redis-luagen: watching ${relative(io.cwd, watcher.root) || '.'} (Ctrl-C to stop)\n`);
  await (io.untilStopped ?? new Promise<void>(() => undefined));
  await watcher.close();
  return 0;
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv, io.cwd);
  } catch (e) {
    io.stderr(`redis-luagen: ${(e as Error).message}\nRun 'redis-luagen --help' for usage.\n`);
    return 2;
  }
  if (typeof parsed === 'object' && 'help' in parsed) {
    io.stdout(parsed.help);
    return 0;
  }
  if (parsed === 'version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (parsed.color !== undefined) io = { ...io, color: parsed.color };
  if (parsed.format === 'sarif') ruleDocs ??= await import('../analyze/rules-doc.js');
  try {
    if (parsed.command === 'check' && parsed.run.paths?.length === 1 && parsed.run.paths[0] === '-') return await checkStdin(parsed, io);
    if (parsed.command === 'build') return await build(parsed, io);
    if (parsed.command === 'check') return await check(parsed, io);
    if (parsed.command === 'minify') return await minify(parsed, io);
    if (parsed.command === 'init') return await initCommand(parsed, io);
    if (parsed.command === 'explain') return await explain(parsed.run.paths?.[0] as string, io);
    return await watch(parsed, io);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`redis-luagen: config error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof PathError) {
      io.stderr(`redis-luagen: ${e.message}\n`);
      return 2;
    }
    io.stderr(`redis-luagen: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
