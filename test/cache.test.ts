// The build cache: an unchanged script is not compiled again, and every input that decides an
// output (the script, a file it includes, the config, the tool, the wrapper on disk) makes it
// be compiled again. A run from the cache gives what a run without it gives, byte for byte.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, filesUnder, project } from './support/temp-project.js';
import { CACHE_FILE, toolFingerprint } from '../src/io/cache-file.js';
import type { BuildCache } from '../src/cache/script-cache.js';

const CONFIG = { include: ['lua/**/*.lua'], rootDir: 'lua', outDir: 'gen', rules: { 'could-be-read-only': 'off' } };
const INCR = '---@key counter\n---@arg by integer\n---@return integer\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])\n';
// `x` is unused: one warning, so that a reused finding can be told from a new one.
const WARN = '---@key k\n---@return string?\nlocal x = 1\nreturn redis.call("GET", KEYS[1])\n';
const WITH_INCLUDE = '---@key k\n---@return integer\n--- @include "../lib/ttl"\nreturn ttlOf(KEYS[1])\n';
const LIB = 'local function ttlOf(key)\n  return redis.call("TTL", key)\nend\n';


const readCache = (dir: string): BuildCache => JSON.parse(readFileSync(join(dir, 'gen', CACHE_FILE), 'utf8')) as BuildCache;
const writeCache = (dir: string, cache: BuildCache) => writeFileSync(join(dir, 'gen', CACHE_FILE), JSON.stringify(cache));

/** Marks every remembered finding, so that a run that reuses it shows the mark. */
function markFindings(dir: string, tool = toolFingerprint()): void {
  const cache = readCache(dir);
  for (const entry of Object.values(cache.scripts)) for (const d of entry.diagnostics) d.message = `REMEMBERED ${d.message}`;
  writeCache(dir, { ...cache, tool });
}

/** The same project built with no cache, in a fresh folder: what every cached run must equal. */
async function coldBuild(sources: Record<string, string>): Promise<{ out: Record<string, string>; stdout: string; code: number }> {
  const dir = project(sources);
  const r = await cli(dir, 'build', '--format', 'plain');
  return { out: filesUnder(join(dir, 'gen')), stdout: r.stdout, code: r.code };
}

function sourcesOf(dir: string): Record<string, string> {
  const all = filesUnder(dir);
  return Object.fromEntries(Object.entries(all).filter(([p]) => !p.startsWith('gen/')));
}

describe('build cache', () => {
  it('reuses an unchanged script: its findings come from the cache and nothing is written', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/incr.lua': INCR, 'lua/warn.lua': WARN });
    const first = await cli(dir, 'build', '--format', 'plain');
    expect(first.stdout).toContain('lua/warn.lua:3:7: warning');
    markFindings(dir);
    const second = await cli(dir, 'build', '--format', 'plain');
    expect(second.stdout).toContain('REMEMBERED');
    expect(second.stderr).toContain('0 written, 4 unchanged');
    // check reads the cache too, and writes nothing.
    const before = readFileSync(join(dir, 'gen', CACHE_FILE), 'utf8');
    expect((await cli(dir, 'check', '--format', 'plain')).stdout).toContain('REMEMBERED');
    expect(readFileSync(join(dir, 'gen', CACHE_FILE), 'utf8')).toBe(before);
  });

  it('gives, from the cache, the same outputs and findings as a build without it', async () => {
    const sources = { 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/incr.lua': INCR, 'lua/warn.lua': WARN, 'lua/ttl.lua': WITH_INCLUDE, 'lib/ttl.lua': LIB };
    const dir = project(sources);
    await cli(dir, 'build');
    const cached = await cli(dir, 'build', '--format', 'plain');
    const cold = await coldBuild(sources);
    expect(cached.stdout).toBe(cold.stdout);
    expect(filesUnder(join(dir, 'gen'))).toEqual(cold.out);
  });

  it('compiles a script again when a file it includes changes', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/ttl.lua': WITH_INCLUDE, 'lib/ttl.lua': LIB });
    await cli(dir, 'build');
    const before = readFileSync(join(dir, 'gen/ttl.ts'), 'utf8');
    markFindings(dir);
    writeFileSync(join(dir, 'lib/ttl.lua'), LIB.replace('"TTL"', '"PTTL"'));
    const r = await cli(dir, 'build', '--format', 'plain');
    expect(r.stdout).not.toContain('REMEMBERED');
    const after = readFileSync(join(dir, 'gen/ttl.ts'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).toContain('PTTL');
    expect(filesUnder(join(dir, 'gen'))).toEqual((await coldBuild(sourcesOf(dir))).out);
  });

  it('compiles again when an include that was missing appears', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/ttl.lua': WITH_INCLUDE });
    const first = await cli(dir, 'build', '--format', 'plain');
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('RL008');
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib/ttl.lua'), LIB);
    const second = await cli(dir, 'build', '--format', 'plain');
    expect(second.code).toBe(0);
    expect(readFileSync(join(dir, 'gen/ttl.ts'), 'utf8')).toContain('TTL');
  });

  it('compiles everything again when the config changes', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/incr.lua': INCR, 'lua/warn.lua': WARN });
    await cli(dir, 'build');
    const minified = readFileSync(join(dir, 'gen/incr.ts'), 'utf8');
    markFindings(dir);
    writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ ...CONFIG, minify: 'none' }));
    const r = await cli(dir, 'build', '--format', 'plain');
    expect(r.stdout).not.toContain('REMEMBERED');
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).not.toBe(minified);
    expect(filesUnder(join(dir, 'gen'))).toEqual((await coldBuild(sourcesOf(dir))).out);

    // A rule's severity is config too.
    markFindings(dir);
    writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ ...CONFIG, minify: 'none', rules: { ...CONFIG.rules, 'unused-local': 'error' } }));
    const strict = await cli(dir, 'build', '--format', 'plain');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/lua\/warn\.lua:3:7: error RL\d+ unused-local/);
  });

  it('reuses nothing another version of the tool remembered', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/warn.lua': WARN });
    await cli(dir, 'build');
    markFindings(dir, 'another-version');
    const r = await cli(dir, 'build', '--format', 'plain');
    expect(r.stdout).toContain('warning');
    expect(r.stdout).not.toContain('REMEMBERED');
    expect(readCache(dir).tool).toBe(toolFingerprint());
  });

  it('rewrites a wrapper edited by hand, and check reports it stale', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/incr.lua': INCR });
    await cli(dir, 'build');
    const good = readFileSync(join(dir, 'gen/incr.ts'), 'utf8');
    writeFileSync(join(dir, 'gen/incr.ts'), good.replace('INCRBY', 'DECRBY'));
    const check = await cli(dir, 'check', '--format', 'plain');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('gen/incr.ts is stale');
    const build = await cli(dir, 'build');
    expect(build.stderr).toContain('1 written');
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).toBe(good);
  });

  it('takes a damaged or foreign cache file as no cache, and replaces it', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/incr.lua': INCR, 'lua/warn.lua': WARN });
    await cli(dir, 'build');
    const good = filesUnder(join(dir, 'gen'));
    const key = Object.values(readCache(dir).scripts)[0]?.key;
    const damaged = [
      '{ not json',
      'null',
      '[]',
      JSON.stringify({ version: 1, tool: toolFingerprint(), scripts: null }),
      JSON.stringify({ version: 1, tool: toolFingerprint(), scripts: { 'lua/warn.lua': { key, includes: 'x' } } }),
      JSON.stringify({ version: 1, tool: toolFingerprint(), scripts: { 'lua/warn.lua': { ...readCache(dir).scripts['lua/warn.lua'], diagnostics: [{ message: 1 }] } } }),
      JSON.stringify({ version: 1, tool: toolFingerprint(), scripts: { __proto__: { key } } }),
    ];
    for (const text of damaged) {
      writeFileSync(join(dir, 'gen', CACHE_FILE), text);
      const r = await cli(dir, 'build', '--format', 'plain');
      expect(r.code, text).toBe(0);
      expect(r.stdout, text).toContain('lua/warn.lua:3:7: warning');
      expect(filesUnder(join(dir, 'gen')), text).toEqual(good);
      expect(readCache(dir).tool, text).toBe(toolFingerprint());
    }
  });

  it('remembers a script with an error and still reports it, exit 1', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/bad.lua': '---@return integr\nreturn 1\n', 'lua/incr.lua': INCR });
    const first = await cli(dir, 'build', '--format', 'plain');
    markFindings(dir);
    const second = await cli(dir, 'build', '--format', 'plain');
    expect(first.code).toBe(1);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain("REMEMBERED unknown return type 'integr'");
  });

  it('builds a script again once the name it collided with is gone', async () => {
    const dir = project({
      'redis-luagen.config.json': JSON.stringify(CONFIG),
      'lua/a/incr.lua': `---@name incr\n${INCR}`,
      'lua/b/incr.lua': `---@name incr\n${INCR}`,
    });
    expect((await cli(dir, 'build')).code).toBe(1);
    rmSync(join(dir, 'lua/b/incr.lua'));
    const r = await cli(dir, 'build', '--format', 'plain');
    expect(r.code).toBe(0);
    expect(filesUnder(join(dir, 'gen'))).toEqual((await coldBuild(sourcesOf(dir))).out);
  });

  it('after check --lint (which emits nothing), build still writes every wrapper', async () => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(CONFIG), 'lua/incr.lua': INCR });
    await cli(dir, 'build');
    rmSync(join(dir, 'gen/incr.ts'));
    expect((await cli(dir, 'check', '--lint')).code).toBe(0);
    expect((await cli(dir, 'build')).stderr).toContain('1 written');
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).toContain('INCRBY');
  });
});
