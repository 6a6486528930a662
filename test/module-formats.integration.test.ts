// The generated code works in ESM and CommonJS projects: the example's generated folders (for
// ioredis and for node-redis) are compiled by tsc both ways and run by plain node against a
// real redis-server.
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

type ClientKind = 'ioredis' | 'node-redis';

/** How each client is imported, connected and closed, and where its example wrappers are. */
const CLIENT: Record<ClientKind, { folder: string; esm: string; cjs: string; connect: (port: number) => string; close: string }> = {
  ioredis: {
    folder: 'generated-example/src/generated',
    esm: "import { Redis } from 'ioredis';",
    cjs: "const { Redis } = require('ioredis');",
    connect: (port) => `const redis = new Redis({ port: ${port} });`,
    close: 'await redis.quit();',
  },
  'node-redis': {
    folder: 'generated-example/src/generated-node-redis',
    esm: "import { createClient } from 'redis';",
    cjs: "const { createClient } = require('redis');",
    connect: (port) => `const redis = createClient({ socket: { port: ${port} } }); await redis.connect();`,
    close: 'await redis.close();',
  },
};

const program = (port: number, client: ClientKind = 'ioredis') => `
  const lock = 'lock:{fmt-' + process.pid + '}';
  ${CLIENT[client].connect(port)}
  const taken = await acquireLock(redis, { lock, owner: 'me', ttlMs: 5000 });
  const released = await releaseLock(redis, { lock, owner: 'me' });
  let error = '';
  try { await acquireLock(redis, { lock, owner: 'me' }); } catch (e) { error = e.constructor.name + ': ' + e.message; }
  console.log(JSON.stringify({ taken, released, error, scripts: allScripts.length }));
  ${CLIENT[client].close}
`;

describe.each([
  ['esm', 'NodeNext', 'NodeNext', 'module', 'ioredis'],
  ['commonjs', 'CommonJS', 'Node10', 'commonjs', 'ioredis'],
  ['esm', 'NodeNext', 'NodeNext', 'module', 'node-redis'],
  ['commonjs', 'CommonJS', 'Node10', 'commonjs', 'node-redis'],
] as const)('generated code as %s for %s', (kind, module, resolution, type, client) => {
  it('compiles with tsc and runs with node', () => {
    const out = join(work, `${kind}-${client}`);
    const folder = join(REPO, CLIENT[client].folder);
    mkdirSync(out, { recursive: true });
    const tsc = spawnSync(
      process.execPath,
      [TSC, '--outDir', out, '--module', module, '--moduleResolution', resolution, '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', '--rootDir', folder, join(folder, 'index.ts')],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type }));
    const port = inject('redisStandalonePort');
    const main =
      type === 'module'
        ? `${CLIENT[client].esm}\nimport { acquireLock, releaseLock, allScripts } from './index.js';\n${program(port, client)}`
        : `${CLIENT[client].cjs}\nconst { acquireLock, releaseLock, allScripts } = require('./index.js');\n(async () => {${program(port, client)}})();`;
    writeFileSync(join(out, 'main.js'), main);
    const run = spawnSync(process.execPath, [join(out, 'main.js')], { encoding: 'utf8', timeout: 20000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      taken: true,
      released: true,
      error: "TypeError: acquireLock: missing required field 'ttlMs'",
      scripts: 20,
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
    expect(JSON.parse(run.stdout)).toEqual({ taken: true, released: true, error: "TypeError: acquireLock: missing required field 'ttlMs'", scripts: 20 });
  });
});
