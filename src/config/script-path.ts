// Where a script's wrapper goes, and why a script path cannot have one. The wrapper module
// mirrors the script's path below rootDir, so a script outside rootDir would be written
// outside the output folder; a path must also survive being an import specifier of the
// index (`#`, `?` and `%` read as URL parts) and a line of a comment (no control characters).

import { posix } from 'node:path';
import type { Config } from './config.js';

/** The script's path relative to rootDir, or undefined when it is not inside rootDir. */
function belowRoot(config: Config, path: string): string | undefined {
  const root = posix.normalize(config.rootDir.replace(/\\/g, '/'));
  const rel = posix.normalize(root === '.' ? path : posix.relative(root, path));
  if (!rel || rel === '.' || rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel)) return undefined;
  return rel;
}

/** The wrapper module of a script: its path below rootDir, `.lua` replaced by `.ts`. */
export function modulePathFor(config: Config, path: string): string {
  const rel = belowRoot(config, path) ?? posix.basename(path);
  return rel.replace(/\.lua$/i, '') + '.ts';
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Why this script cannot get a wrapper, or undefined when it can. */
export function pathProblem(config: Config, path: string): string | undefined {
  if (path.includes('\uFFFD')) return 'its name is not valid UTF-8: rename it';
  if (CONTROL.test(path)) return 'its name holds a line break or another control character: rename it';
  const bad = /[#?%\\]/.exec(path);
  if (bad) return `its name holds '${bad[0]}', which an import of its wrapper would read as part of a URL: rename it`;
  if (belowRoot(config, path) === undefined) {
    return `it is outside rootDir ("${config.rootDir}"): its wrapper would be written outside the output folder; set rootDir to a folder that holds every script`;
  }
  return undefined;
}
