// One pass over a project from disk: config -> scripts -> compileProject. Shared by build,
// check and watch; returns data, prints nothing.

import { join, relative } from 'node:path';
import { compileProject, type ProjectResult } from '../compile-project.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  findScripts,
  loadConfig,
  readGenerated,
  readProjectFile,
  readRuntimeTemplate,
  readScripts,
  resolveOutDir,
  type LoadedConfig,
} from '../io/files.js';

export interface RunOptions {
  cwd: string;
  config?: string;
  out?: string;
  paths?: readonly string[];
}

export interface ProjectRun {
  loaded: LoadedConfig;
  outDir: string;
  result: ProjectResult;
  existing: Map<string, string>;
  /** Diagnostics with `file` relative to the working directory. */
  diagnostics: Diagnostic[];
  /** Source text by cwd-relative path, for code frames. */
  sources: Map<string, string>;
}

export async function runProject(options: RunOptions, loaded?: LoadedConfig): Promise<ProjectRun> {
  const config = loaded ?? (await loadConfig(options.cwd, options.config));
  const outDir = resolveOutDir(config, options.cwd, options.out);
  const paths = await findScripts(config, options.cwd, options.paths ?? []);
  const files = await readScripts(config.root, paths);
  const existing = await readGenerated(outDir);
  const included = new Map<string, Uint8Array>();
  const readSource = (path: string) => {
    const bytes = readProjectFile(config.root, path);
    if (bytes) included.set(path, bytes);
    return bytes;
  };
  const result = await compileProject({
    config: config.config,
    files,
    runtimeTemplate: readRuntimeTemplate(),
    previous: existing,
    readSource,
  });
  const toCwd = (p: string) => relative(options.cwd, join(config.root, p)).split('\\').join('/');
  const sources = new Map<string, string>();
  for (const f of [...files, ...[...included].map(([path, bytes]) => ({ path, bytes }))]) {
    sources.set(toCwd(f.path), typeof f.bytes === 'string' ? f.bytes : new TextDecoder().decode(f.bytes));
  }
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file: toCwd(d.file) }));
  return { loaded: config, outDir, result, existing, diagnostics, sources };
}
