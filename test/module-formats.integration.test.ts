// The generated code works in ESM and CommonJS projects: the example's generated folder is
// compiled by tsc both ways and run by plain node against a real redis-server.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
// Inside the repo so that node finds ioredis in node_modules, as a user's project would.
mkdirSync(join(REPO, '.tmp'), { recursive: true });
const work = mkdtempSync(join(REPO, '.tmp', 'formats-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (port: number) => `
  const lock = 'lock:{fmt-' + process.pid + '}';
  const redis = new Redis({ port: ${port} });
  const taken = await acquireLock(redis, { lock, owner: 'me', ttlMs: 5000 });
  const released = await releaseLock(redis, { lock, owner: 'me' });
  let error = '';
  try { await acquireLock(redis, { lock, owner: 'me' }); } catch (e) { error = e.constructor.name + ': ' + e.message; }
  console.log(JSON.stringify({ taken, released, error, scripts: allScripts.length }));
  await redis.quit();
`;

describe.each([
  ['esm', 'NodeNext', 'NodeNext', 'module'],
  ['commonjs', 'CommonJS', 'Node10', 'commonjs'],
])('generated code as %s', (kind, module, resolution, type) => {
  it('compiles with tsc and runs with node', () => {
    const out = join(work, kind);
    mkdirSync(out, { recursive: true });
    const tsc = spawnSync(
      process.execPath,
      [TSC, '--outDir', out, '--module', module, '--moduleResolution', resolution, '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', '--rootDir', join(REPO, 'generated-example/src/generated'), join(REPO, 'generated-example/src/generated/index.ts')],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type }));
    const port = inject('redisStandalonePort');
    const main =
      type === 'module'
        ? `import { Redis } from 'ioredis';\nimport { acquireLock, releaseLock, allScripts } from './index.js';\n${program(port)}`
        : `const { Redis } = require('ioredis');\nconst { acquireLock, releaseLock, allScripts } = require('./index.js');\n(async () => {${program(port)}})();`;
    writeFileSync(join(out, 'main.js'), main);
    const run = spawnSync(process.execPath, [join(out, 'main.js')], { encoding: 'utf8', timeout: 20000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      taken: true,
      released: true,
      error: "TypeError: acquireLock: missing required field 'ttlMs'",
      scripts: 9,
    });
  });
});

describe('generated code through a bundler', () => {
  it('bundles with rolldown (ioredis external) and runs', async () => {
    const { rolldown } = await import('rolldown');
    const out = join(work, 'bundle');
    mkdirSync(out, { recursive: true });
    const entry = join(out, 'entry.ts');
    writeFileSync(
      entry,
      `import { Redis } from 'ioredis';\nimport { acquireLock, releaseLock, allScripts } from '${join(REPO, 'generated-example/src/generated/index.js')}';\n${program(inject('redisStandalonePort'))}`,
    );
    const bundle = await rolldown({ input: entry, external: ['ioredis'], platform: 'node' });
    await bundle.write({ file: join(out, 'bundle.mjs'), format: 'esm' });
    await bundle.close();
    const run = spawnSync(process.execPath, [join(out, 'bundle.mjs')], { encoding: 'utf8', timeout: 20000, cwd: REPO });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ taken: true, released: true, error: "TypeError: acquireLock: missing required field 'ttlMs'", scripts: 9 });
  });
});
