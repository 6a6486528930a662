// The disk edge: finds the config and the scripts, reads what was generated before, and
// writes outputs atomically (temp file + rename), only when their content changed.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { CONFIG_FILE, ConfigError, DEFAULT_CONFIG, parseConfigText, type Config } from '../config/config.js';
import { CLIENTS, GENERATED_MARKER, inlineCore, RUNTIME_CORE_TEMPLATE, type ClientKind } from '../codegen/names.js';
import type { ScriptInput } from '../compile-project.js';
import type { FileMemo } from './file-memo.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute folder the config's paths are relative to (the project root). */
  root: string;
  /** Absolute path of the file the config came from, if any. */
  file?: string;
}

const toPosix = (p: string) => p.split(sep).join('/');

/**
 * Finds and validates the config: --config, else the nearest redis-luagen.config.json or
 * package.json with a "redis-luagen" key in the working directory or a folder above it (up
 * to the repository's root), else defaults.
 */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new ConfigError(relative(cwd, file) || file, undefined, 'cannot read the config file');
    }
    const packageKey = file.endsWith('package.json') ? 'redis-luagen' : undefined;
    const config = parseConfigText(relative(cwd, file), text, packageKey);
    if (!config) throw new ConfigError(relative(cwd, file), undefined, 'has no "redis-luagen" key');
    return { config, root: dirname(file), file };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = await configIn(dir, cwd);
    if (found) return found;
    // Like tsc and ESLint: search upward, stopping at the repository's root or the filesystem's.
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
  }
  return { config: { ...DEFAULT_CONFIG, rules: {} }, root: cwd };
}

/** The config a folder holds: redis-luagen.config.json, else a "redis-luagen" key in package.json. */
async function configIn(dir: string, cwd: string): Promise<LoadedConfig | undefined> {
  const own = join(dir, CONFIG_FILE);
  if (existsSync(own)) {
    return { config: parseConfigText(relative(cwd, own) || CONFIG_FILE, await readFile(own, 'utf8')) as Config, root: dir, file: own };
  }
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return undefined;
  const config = parseConfigText(relative(cwd, pkg) || 'package.json', await readFile(pkg, 'utf8'), 'redis-luagen');
  return config ? { config, root: dir, file: pkg } : undefined;
}

/** A path given on the command line or a folder that cannot be used: exit 2, nothing touched. */
export class PathError extends Error {}

/** A path as the project names it: relative to the root, posix (`../x.lua` when outside it). */
const projectPath = (root: string, path: string): string => toPosix(relative(root, resolve(root, path)));

/** Paths of the scripts the config's include globs match (relative to the project root, posix). */
export async function findScripts(loaded: LoadedConfig): Promise<string[]> {
  const { config, root } = loaded;
  const found = await glob(config.include, { cwd: root, ignore: ['**/node_modules/**', ...config.exclude], onlyFiles: true, dot: false, expandDirectories: false });
  return [...new Set(found.map((p) => projectPath(root, p)))].sort();
}

/** The scripts named on the command line: files, or the .lua files under folders. A path that names nothing is an error. */
export async function findGiven(loaded: LoadedConfig, cwd: string, paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new PathError(`${p}: no such file or folder`);
    if (!info.isDirectory()) {
      out.add(projectPath(loaded.root, abs));
      continue;
    }
    const found = await glob('**/*.lua', { cwd: abs, ignore: ['**/node_modules/**'], onlyFiles: true, dot: false });
    if (!found.length) throw new PathError(`${p}: holds no .lua file`);
    for (const f of found) out.add(projectPath(loaded.root, join(abs, f)));
  }
  return [...out].sort();
}

/**
 * The output folder must hold nothing but output: not the project root, no script, no
 * node_modules, not inside node_modules. Everything the tool writes or removes is inside it.
 */
export function checkOutDir(loaded: LoadedConfig, outDir: string, scripts: readonly string[]): void {
  const inside = (path: string) => path === outDir || path.startsWith(outDir + sep);
  const name = relative(loaded.root, outDir) || '.';
  const refuse = (why: string) => {
    throw new PathError(`the output folder ${name} ${why}: choose a folder that holds only generated files (outDir in the config, or --out)`);
  };
  if (inside(loaded.root)) refuse('holds the project root');
  if (outDir.split(sep).includes('node_modules')) refuse('is inside node_modules');
  if (existsSync(join(outDir, 'node_modules'))) refuse('holds node_modules');
  const script = scripts.find((s) => inside(resolve(loaded.root, s)));
  if (script) refuse(`holds the script ${script}`);
}

/** A project file by its project-relative posix path (an included file), or undefined when absent. */
export function readProjectFile(root: string, path: string): Uint8Array | undefined {
  const abs = join(root, path);
  if (relative(root, abs).startsWith('..') || !existsSync(abs)) return undefined;
  try {
    return new Uint8Array(readFileSync(abs));
  } catch {
    return undefined;
  }
}

/** The scripts' bytes; a file that cannot be read (gone, a name that is not UTF-8) says why instead. */
export async function readScripts(root: string, paths: readonly string[], memo?: FileMemo): Promise<ScriptInput[]> {
  // Read one after another, synchronously: for many small files this is several times faster
  // than as many parallel promises through the thread pool.
  const read = (abs: string) => (memo ? memo.readBytes(abs) : new Uint8Array(readFileSync(abs)));
  return paths.map((path): ScriptInput => {
    try {
      return { path, bytes: read(join(root, path)) };
    } catch (e) {
      return { path, bytes: new Uint8Array(), unreadable: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  });
}

/** Generated files under `outDir` (those that start with the redis-luagen marker), by relative path. */
export async function readGenerated(outDir: string, memo?: FileMemo): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      // Dirents do not follow symbolic links: a linked folder or file is never read or removed.
      if (e.isDirectory() && e.name !== 'node_modules') await visit(abs);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.startsWith('.')) {
        const text = memo ? memo.readText(abs) : readFileSync(abs, 'utf8'); // synchronous: see readScripts
        if (text.startsWith(GENERATED_MARKER)) found.set(toPosix(relative(outDir, abs)), text);
      }
    }
  };
  await visit(outDir);
  return found;
}

export interface WriteReport {
  written: string[];
  unchanged: string[];
  removed: string[];
}

export interface WriteOptions {
  /** Remove generated files that are not among the outputs (false when paths narrow the build). */
  remove: boolean;
}

/**
 * Writes changed outputs atomically and removes generated files that are no longer produced.
 * It refuses (before writing anything) a path that would go through a symbolic link out of
 * the output folder, and removes temp files a killed build left.
 */
export async function writeOutputs(
  outDir: string,
  outputs: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, string>,
  options: WriteOptions = { remove: true },
): Promise<WriteReport> {
  const report: WriteReport = { written: [], unchanged: [], removed: [] };
  const changed = [...outputs].filter(([path, text]) => existing.get(path) !== text).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [path] of changed) await refuseLinks(outDir, path);
  for (const [path, text] of [...outputs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (existing.get(path) === text) {
      report.unchanged.push(path);
      continue;
    }
    await writeAtomic(join(outDir, path), text);
    report.written.push(path);
  }
  // Temp files a killed build left: after the writes, which they cannot disturb (their names are unique).
  await removeStaleTemps(outDir);
  if (!options.remove) return report;
  for (const path of [...existing.keys()].sort()) {
    if (outputs.has(path)) continue;
    await rm(join(outDir, path), { force: true });
    report.removed.push(path);
    await removeEmptyParents(outDir, dirname(join(outDir, path)));
  }
  return report;
}

/** Writes one file of the output folder that is not a generated module (the build cache), atomically. */
export async function writeOwnFile(outDir: string, path: string, text: string): Promise<void> {
  await refuseLinks(outDir, path);
  await writeAtomic(join(outDir, path), text);
}

/** Every folder between the output folder and `path` must be a real folder, not a link elsewhere. */
async function refuseLinks(outDir: string, path: string): Promise<void> {
  let dir = outDir;
  for (const part of path.split('/').slice(0, -1)) {
    dir = join(dir, part);
    const info = await lstat(dir).catch(() => undefined);
    if (!info) return; // created by the write, as a real folder
    if (info.isSymbolicLink() || !info.isDirectory()) {
      throw new PathError(`${relative(process.cwd(), dir) || dir} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: redis-luagen writes only inside the output folder`);
    }
  }
}

/** Temp files being written now: removed if the process is interrupted (see removePendingTemps). */
const pendingTemps = new Set<string>();

/** Removes the temp files of writes in progress (for a signal handler: synchronous). */
export function removePendingTemps(): void {
  for (const temp of pendingTemps) rmSync(temp, { force: true });
  pendingTemps.clear();
}

const TEMP = /^\.[a-z0-9]+\.(\d+)\.tmp$/;

/** Temp files under the output folder whose writer is gone (killed mid-write). */
async function removeStaleTemps(outDir: string): Promise<void> {
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules') await visit(join(dir, e.name));
      const pid = TEMP.exec(e.name)?.[1];
      if (e.isFile() && pid && !isAlive(Number(pid))) await rm(join(dir, e.name), { force: true });
    }
  };
  await visit(outDir);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Synchronous on purpose: three awaited calls per file through the thread pool made writing
 * a thousand wrappers cost most of a second; these calls take a tenth of that. A signal that
 * arrives meanwhile is handled after the write, whose temp file is then already renamed.
 */
async function writeAtomic(file: string, text: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${Math.random().toString(36).slice(2)}.${process.pid}.tmp`);
  pendingTemps.add(temp);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  } finally {
    pendingTemps.delete(temp);
  }
}

async function removeEmptyParents(outDir: string, dir: string): Promise<void> {
  let current = dir;
  while (current !== outDir && current.startsWith(outDir + sep)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}

/** A file of this package (templates/..., package.json), found upwards from this module. */
export function readPackageFile(relativePath: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    dir = dirname(dir);
  }
  throw new Error(`redis-luagen: ${relativePath} not found in the installed package`);
}

/** The runtime helper of a client, as one module: its template in templates/ with the shared core inlined. */
export function readRuntimeTemplate(client: ClientKind = 'ioredis'): string {
  return inlineCore(readPackageFile(join('templates', CLIENTS[client].template)), readPackageFile(join('templates', RUNTIME_CORE_TEMPLATE)));
}

export function resolveOutDir(loaded: LoadedConfig, cwd: string, override?: string): string {
  if (override !== undefined) return isAbsolute(override) ? override : resolve(cwd, override);
  return resolve(loaded.root, loaded.config.outDir);
}
