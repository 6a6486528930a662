// The build cache on disk: one file in the output folder, read before a run and written by
// build and watch (check only reads it). Written like every output (temp file + rename); a
// cache that is missing, damaged or from another tool counts as no cache.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCache, type BuildCache } from '../cache/script-cache.js';
import { readPackageFile } from './files.js';
import { RUNTIME_TEMPLATES } from '../codegen/names.js';

export const CACHE_FILE = '.redis-luagen-cache.json';

let fingerprint: string | undefined;

/**
 * Names this tool exactly: its version, the runtime template and a hash of its own code, so a
 * rebuilt or upgraded compiler never reuses what another one remembered.
 */
export function toolFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const h = createHash('sha1');
  h.update(readPackageFile('package.json'));
  for (const template of RUNTIME_TEMPLATES) h.update(readPackageFile(join('templates', template)));
  const codeRoot = dirname(dirname(fileURLToPath(import.meta.url)));
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) visit(path);
      else if (/\.(js|ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) h.update(e.name).update(readFileSync(path));
    }
  };
  visit(codeRoot);
  fingerprint = h.digest('hex');
  return fingerprint;
}

/** The cache file's text as found (undefined when there is none or it cannot be read). */
export async function readCacheText(outDir: string): Promise<string | undefined> {
  return readFile(join(outDir, CACHE_FILE), 'utf8').catch(() => undefined);
}

export function cacheFrom(text: string | undefined): BuildCache | undefined {
  return parseCache(text, toolFingerprint());
}
