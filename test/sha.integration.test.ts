// The embedded SHA-1 is the digest of the exact text sent: for every script that compiles,
// SCRIPT LOAD on a real redis-server returns the same digest, and EVALSHA finds it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { compile } from '../src/compile.js';
import { standalone } from './support/clients.js';

const ROOT = join(import.meta.dirname, '..');
const folders = ['fixtures/ok', 'fixtures/sha', 'generated-example/scripts', 'generated-example/scripts/limits', 'generated-example/scripts/locks'];
const scripts = folders.flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith('.lua'))
    .sort()
    .map((f) => `${folder}/${f}`),
);

describe('SHA-1 against SCRIPT LOAD', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = standalone();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('covers every script', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(20);
  });

  it.each(scripts)('%s', async (path) => {
    const bytes = readFileSync(join(ROOT, path));
    for (const minify of ['none', 'full'] as const) {
      const result = compile(bytes, { path, minify });
      expect(result.model, JSON.stringify(result.diagnostics)).toBeDefined();
      const model = result.model!;
      // What the runtime sends is the string `lua`, encoded as UTF-8 by ioredis.
      if (minify === 'none') expect(Buffer.from(model.lua, 'utf8').equals(bytes)).toBe(true);
      expect(await redis.script('LOAD', model.lua)).toBe(model.sha);
    }
  });

  it('matches the digests measured on Redis 7.0.15 for shebang, CRLF, no final newline and NUL bytes', () => {
    const measured = JSON.parse(readFileSync(join(ROOT, 'fixtures/sha/measured-digests.json'), 'utf8')) as Record<string, string>;
    for (const [file, sha] of Object.entries(measured)) {
      const result = compile(readFileSync(join(ROOT, 'fixtures/sha', file)), { path: file, minify: 'none' });
      expect(result.model?.sha, file).toBe(sha);
    }
  });
});

describe('RL001 agrees with the Lua compiler inside Redis', () => {
  const syntax = readdirSync(join(ROOT, 'fixtures/diagnostics'))
    .filter((f) => f.startsWith('syntax-') && f.endsWith('.lua'))
    .sort();
  let redis: Redis;
  beforeAll(() => {
    redis = standalone();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it.each(syntax)('%s is refused by SCRIPT LOAD on the line we report', async (file) => {
    const bytes = readFileSync(join(ROOT, 'fixtures/diagnostics', file));
    const ours = compile(bytes, { path: file }).diagnostics.find((d) => d.code === 'RL001');
    expect(ours).toBeDefined();
    const error = (await redis.script('LOAD', bytes).catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    const m = /^ERR Error compiling script \(new function\): user_script:(\d+): (.*)$/.exec(error.message);
    expect(m, error.message).not.toBeNull();
    // Redis names the line where the parser stopped; an unclosed block ends at <eof>.
    expect(Number(m![1])).toBe(ours!.line);
  });
});
