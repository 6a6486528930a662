// The build cache, as data. An output is a pure function of (script bytes, the bytes of the
// files it includes, the config, the tool): an entry remembers, for one script, the hash of
// that tuple and what compiling it gave (name, findings, the hash of its wrapper). An
// unchanged script then costs a hash: its findings come from the entry and its wrapper is the
// file already on disk, used only when that file's hash is the one remembered.
// Touches no disk: reading and writing the cache file is io/cache-file.ts.

import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Config } from '../config/config.js';

export const CACHE_VERSION = 1;

export interface CachedScript {
  /** Hash of (tool, config, path, module, script bytes). */
  key: string;
  /** Each inlined file with the hash of its bytes when the entry was made. */
  includes: Array<[path: string, hash: string]>;
  name: string;
  typeName: string;
  nameSpan: { start: number; end: number };
  diagnostics: Diagnostic[];
  /** Hash of the wrapper text; absent when the script had an error (no wrapper). */
  wrapper?: string;
}

export interface BuildCache {
  version: typeof CACHE_VERSION;
  /** The tool that made the entries (version and a hash of its code): another tool reuses nothing. */
  tool: string;
  scripts: Record<string, CachedScript>;
  /** The index: hash of what it lists, and hash of its text. */
  index?: { key: string; text: string };
}

export function hashOf(...parts: ReadonlyArray<string | Uint8Array>): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(typeof p === 'string' ? `${p.length}:${p}` : p).update('\0');
  return h.digest('hex');
}

/**
 * hashOf for a whole text, remembered: watch hashes the same thousand wrappers on every
 * rebuild, and looking a string up costs far less than hashing it again.
 */
const textHashes = new Map<string, string>();

export function hashOfText(text: string): string {
  let hash = textHashes.get(text);
  if (hash === undefined) {
    if (textHashes.size >= 8192) textHashes.clear();
    hash = hashOf(text);
    textHashes.set(text, hash);
  }
  return hash;
}

export function emptyCache(tool: string): BuildCache {
  return { version: CACHE_VERSION, tool, scripts: {} };
}

/** What determines every output besides the scripts' own bytes: the tool and the config. */
export function projectKey(tool: string, config: Config): string {
  return hashOf(tool, JSON.stringify(config));
}

/** Hashes of file contents by the bytes object: watch hands the same object for an unchanged file. */
const bytesHashes = new WeakMap<Uint8Array, string>();

export function scriptKey(project: string, path: string, module: string, bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return hashOf(project, path, module, hashOf(bytes));
  let hash = bytesHashes.get(bytes);
  if (hash === undefined) {
    hash = hashOf(bytes);
    bytesHashes.set(bytes, hash);
  }
  return hashOf(project, path, module, hash);
}

/**
 * The entry for a script when it still holds: same key, every included file unchanged. A
 * missing include or one that now reads differently makes it stale.
 */
export function freshEntry(
  cache: BuildCache | undefined,
  path: string,
  key: string,
  read: (path: string) => Uint8Array | string | undefined,
): CachedScript | undefined {
  const entry = cache && Object.hasOwn(cache.scripts, path) ? cache.scripts[path] : undefined;
  if (!isEntry(entry) || entry.key !== key) return undefined;
  for (const [file, hash] of entry.includes) {
    const bytes = read(file);
    if (bytes === undefined || hashOf(bytes) !== hash) return undefined;
  }
  return entry;
}

/** An entry of the shape this version writes (a file edited by hand may hold anything). */
function isEntry(e: unknown): e is CachedScript {
  const v = e as CachedScript;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.key === 'string' && typeof v.name === 'string' && typeof v.typeName === 'string' &&
    Array.isArray(v.includes) && v.includes.every((i) => Array.isArray(i) && typeof i[0] === 'string' && typeof i[1] === 'string') &&
    Array.isArray(v.diagnostics) && v.diagnostics.every(isDiagnostic) && typeof v.nameSpan?.start === 'number' && typeof v.nameSpan?.end === 'number' &&
    (v.wrapper === undefined || typeof v.wrapper === 'string')
  );
}

function isDiagnostic(d: Diagnostic): boolean {
  return (
    typeof d === 'object' && d !== null &&
    ['code', 'rule', 'message', 'file', 'hint'].every((k) => typeof d[k as keyof Diagnostic] === 'string') &&
    ['error', 'warning', 'info'].includes(d.severity) &&
    ['line', 'column', 'endLine', 'endColumn', 'start', 'end'].every((k) => Number.isInteger(d[k as keyof Diagnostic]))
  );
}

/** A cache read from disk, if it is one this tool wrote; anything else counts as no cache. */
export function parseCache(text: string | undefined, tool: string): BuildCache | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<BuildCache>;
    if (value?.version !== CACHE_VERSION || value.tool !== tool || typeof value.scripts !== 'object' || value.scripts === null) return undefined;
    return value as BuildCache;
  } catch {
    return undefined;
  }
}

export function serializeCache(cache: BuildCache): string {
  return JSON.stringify(cache) + '\n';
}
