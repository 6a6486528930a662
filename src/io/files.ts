// The disk edge: finds the config and the scripts, reads what was generated before, and
// writes outputs atomically (temp file + rename), only when their content changed.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { CONFIG_FILE, ConfigError, DEFAULT_CONFIG, parseConfigText, type Config } from '../config/config.js';
import { GENERATED_MARKER } from '../codegen/emit-wrapper.js';
import type { ScriptInput } from '../compile-project.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute folder the config's paths are relative to (the project root). */
  root: string;
  /** Absolute path of the file the config came from, if any. */
  file?: string;
}

const toPosix = (p: string) => p.split(sep).join('/');

/** Finds and validates the config: --config, else redis-luagen.config.json, else package.json, else defaults. */
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
  const own = join(cwd, CONFIG_FILE);
  if (existsSync(own)) {
    return { config: parseConfigText(CONFIG_FILE, await readFile(own, 'utf8')) as Config, root: cwd, file: own };
  }
  const pkg = join(cwd, 'package.json');
  if (existsSync(pkg)) {
    const config = parseConfigText('package.json', await readFile(pkg, 'utf8'), 'redis-luagen');
    if (config) return { config, root: cwd, file: pkg };
  }
  return { config: { ...DEFAULT_CONFIG, rules: {} }, root: cwd };
}

/** Paths (relative to the project root, posix) of the scripts to compile. */
export async function findScripts(loaded: LoadedConfig, cwd: string, paths: readonly string[] = []): Promise<string[]> {
  const { config, root } = loaded;
  const outDir = toPosix(relative(root, resolve(root, config.outDir)));
  const ignore = ['**/node_modules/**', `${outDir}/**`, ...config.exclude];
  let patterns: string[];
  if (paths.length) {
    patterns = [];
    for (const p of paths) {
      const abs = resolve(cwd, p);
      const rel = toPosix(relative(root, abs)) || '.';
      const isDir = await stat(abs).then((s) => s.isDirectory(), () => false);
      patterns.push(isDir ? (rel === '.' ? '**/*.lua' : `${rel}/**/*.lua`) : rel);
    }
  } else {
    patterns = config.include;
  }
  const found = await glob(patterns, { cwd: root, ignore, onlyFiles: true, dot: false, expandDirectories: false });
  return found.map(toPosix).sort();
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

export async function readScripts(root: string, paths: readonly string[]): Promise<ScriptInput[]> {
  return Promise.all(paths.map(async (path) => ({ path, bytes: new Uint8Array(await readFile(join(root, path))) })));
}

/** Generated files under `outDir` (those that start with the redis-luagen marker), by relative path. */
export async function readGenerated(outDir: string): Promise<Map<string, string>> {
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
      if (e.isDirectory()) await visit(abs);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.startsWith('.')) {
        const text = await readFile(abs, 'utf8');
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

/** Writes changed outputs atomically and removes generated files that are no longer produced. */
export async function writeOutputs(
  outDir: string,
  outputs: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, string>,
): Promise<WriteReport> {
  const report: WriteReport = { written: [], unchanged: [], removed: [] };
  for (const [path, text] of [...outputs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (existing.get(path) === text) {
      report.unchanged.push(path);
      continue;
    }
    await writeAtomic(join(outDir, path), text);
    report.written.push(path);
  }
  for (const path of [...existing.keys()].sort()) {
    if (outputs.has(path)) continue;
    await rm(join(outDir, path), { force: true });
    report.removed.push(path);
    await removeEmptyParents(outDir, dirname(join(outDir, path)));
  }
  return report;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${Math.random().toString(36).slice(2)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
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

/** The runtime helper template shipped in templates/. */
export function readRuntimeTemplate(): string {
  return readPackageFile(join('templates', 'runtime.ts'));
}

export function resolveOutDir(loaded: LoadedConfig, cwd: string, override?: string): string {
  if (override !== undefined) return isAbsolute(override) ? override : resolve(cwd, override);
  return resolve(loaded.root, loaded.config.outDir);
}
