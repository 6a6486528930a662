// The minifier on a generated corpus of random Lua 5.1 programs: the output re-parses,
// minifying twice changes nothing, luac5.1 -s gives the same bytecode, and running source
// and output gives identical replies in a real redis-server and in lua5.1.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { generateProgram } from './support/lua-gen.js';
import { sameBytecode } from './support/luac.js';
import { canonicalTree } from './support/ast-equal.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { luaFiles, minify } from './minify.test.js';

const ROOT = join(import.meta.dirname, '..');
import { standalone } from './support/clients.js';

export const CORPUS_SIZE = 300;

function runLua(text: string): string {
  const r = spawnSync('lua5.1', ['-e', "io.write(assert(loadstring(io.read('*a')))())"], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lua5.1 failed: ${r.stderr}\n${text}`);
  return r.stdout;
}

describe('minifier on a generated corpus', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = standalone();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const seeds = Array.from({ length: CORPUS_SIZE }, (_, i) => i + 1);
  it.each(seeds)('program %i', async (seed) => {
    const source = generateProgram(seed);
    const once = minify(source);
    expect(once, source).toBeDefined();
    expect(minify(once!.text)?.text).toBe(once!.text);
    expect(sameBytecode(source, once!.text), `${source}\n----\n${once!.text}`).toBe(true);
    expect(canonicalTree(once!.text)).toBe(canonicalTree(source));
    const inLua = runLua(source);
    expect(runLua(once!.text)).toBe(inLua);
    const inRedis = await redis.call('EVAL', source, '0');
    expect(await redis.call('EVAL', once!.text, '0')).toBe(inRedis);
    expect(inRedis).toBe(inLua);
  });
});

describe('minifier on every fixture, in a real redis-server', () => {
  let redis: Redis;
  beforeAll(async () => {
    // A database of its own: each run starts from an empty one.
    redis = standalone({ db: 9 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  const normalize = (e: unknown) =>
    e instanceof Error ? `ERROR ${e.message.replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.$/, '').replace(/user_script:\d+: /g, '')}` : e;

  async function run(text: string): Promise<unknown> {
    await redis.flushdb();
    const keys = ['{fx}k1', '{fx}k2', '{fx}k3'];
    return redis.call('EVAL', text, keys.length, ...keys, '1', '2', '3').then((r) => r, normalize);
  }

  const files = [...luaFiles('fixtures'), ...luaFiles('generated-example/scripts')]
    .filter((f) => !/TIME|random|RANDOMKEY|SPOP|error\(\{\}\)|error\(redis\.status_reply|error\(reply\)/.test(readFileSync(join(ROOT, f), 'utf8')))
    .filter((f) => minify(readFileSync(join(ROOT, f), 'utf8')) !== undefined)
    .sort();

  it('covers them', () => expect(files.length).toBeGreaterThan(80));

  it.each(files)('%s replies the same minified', async (path) => {
    const source = readFileSync(join(ROOT, path), 'utf8');
    const minified = minify(source)!.text;
    expect(await run(minified)).toEqual(await run(source));
  });
});
