// A new user, end to end: the repository packed as npm would publish it, installed in an
// empty app next to ioredis 6 (npm's latest major), `redis-luagen init`, `build`, a strict tsc
// (as ESM and as CommonJS), the wrapper called against a real redis-server, then an edit
// without a rebuild caught by `check --format sarif` and `--format github`. A second app
// does the same with node-redis 6 (`redis` on npm), which init detects.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'redis-luagen-new-user-'));
const app = join(work, 'app');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd = app): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } });
}
const ok = (r: SpawnSyncReturns<string>) => {
  expect(r.error, r.stderr).toBeUndefined();
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

const PROGRAM = (port: number) => `import { Redis } from 'ioredis';
import { rateLimit } from './src/generated/index.js';

async function main(): Promise<void> {
  const redis = new Redis({ port: ${port} });
  const counter = 'new-user:' + process.pid + ':' + Math.random();
  const replies: number[] = [];
  for (let i = 0; i < 3; i++) replies.push(await rateLimit(redis, { counter, limit: 2, windowSeconds: 60 }));
  console.log(JSON.stringify(replies));
  await redis.quit();
}
void main();
`;

const NODE_REDIS_PROGRAM = (port: number) => `import { createClient } from 'redis';
import { rateLimit } from './src/generated/index.js';

async function main(): Promise<void> {
  const redis = createClient({ socket: { port: ${port} } });
  await redis.connect();
  const counter = 'new-user-nr:' + process.pid + ':' + Math.random();
  const replies: number[] = [];
  for (let i = 0; i < 2; i++) replies.push(await rateLimit(redis, { counter, limit: 2, windowSeconds: 60 }));
  const multi = redis.multi();
  const queued = rateLimit.queue(multi, { counter, limit: 2, windowSeconds: 60 });
  await multi.exec();
  replies.push(await queued);
  console.log(JSON.stringify(replies));
  await redis.close();
}
void main();
`;

let tarball: string | undefined;

/** The package as npm would publish it (dist/ is built by npm test before the tests run), packed once. */
function packed(): string {
  if (tarball) return tarball;
  ok(run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--silent'], REPO));
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string);
  const listing = ok(run('tar', ['-tzf', tarball], work)).stdout;
  for (const path of ['package/bin/redis-luagen.js', 'package/dist/src/index.js', 'package/dist/src/cli/main.js', 'package/templates/runtime.ts', 'package/templates/runtime-core.ts', 'package/templates/runtime-node-redis.ts', 'package/redis-luagen.schema.json']) {
    expect(listing).toContain(path);
  }
  return tarball;
}

/** A strict tsc of main.ts, as ESM and as CommonJS; each build run against the real server prints `expected`. */
function compileAndRun(dir: string, expected: string, flags: string[] = []): void {
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  for (const [kind, module, resolution] of [['esm', 'NodeNext', 'NodeNext'], ['cjs', 'CommonJS', 'Node10']] as const) {
    const out = join(dir, kind);
    ok(run(process.execPath, [tsc, '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--module', module, '--moduleResolution', resolution, '--target', 'ES2022', '--types', 'node', ...flags, '--outDir', out, 'main.ts'], dir));
    if (kind === 'cjs') writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}');
    expect(ok(run(process.execPath, [join(out, 'main.js')], dir)).stdout.trim()).toBe(expected);
  }
}

describe('a new user, from the packed package to a call on a real server', () => {
  it('packs, installs next to ioredis 6, inits, builds, compiles strictly, calls, and check catches an edit', () => {
    // 1. The package as npm would publish it.
    const tarball = packed();

    // 2. An empty app: the package, ioredis 6, TypeScript.
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball, 'ioredis@^6.0.0', 'typescript@5.9', '@types/node@20']));
    const bin = join(app, 'node_modules/.bin/redis-luagen');

    // 3. init, build, check: the first script is clean.
    expect(ok(run(bin, ['init'])).stdout).toContain('npx redis-luagen build');
    ok(run(bin, ['build']));
    ok(run(bin, ['check', '--max-warnings', '0']));

    // 4. A strict tsc, as ESM and as CommonJS, and a call against the real server.
    const port = inject('redisStandalonePort');
    writeFileSync(join(app, 'main.ts'), PROGRAM(port));
    compileAndRun(app, '[1,1,0]');

    // 5. An edit without a rebuild: check fails and says so in the formats CI reads.
    const script = join(app, 'scripts/rate-limit.lua');
    writeFileSync(script, readFileSync(script, 'utf8').replace('if count == 1 then', 'if count <= 1 then'));
    const sarif = run(bin, ['check', '--format', 'sarif']);
    expect(sarif.status).toBe(1);
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string }> }> }).runs[0]?.results ?? [];
    expect(results.map((r) => r.ruleId)).toEqual(['RL011']);
    const github = run(bin, ['check', '--format', 'github']);
    expect(github.status).toBe(1);
    expect(github.stdout).toMatch(/^::error file=scripts\/rate-limit\.lua,line=1,.*RL011/m);
  }, 300_000);

  it('with node-redis 6: installs next to redis, inits for node-redis, builds, compiles strictly and calls directly and in a multi()', () => {
    const tarball = packed();
    const nrApp = join(work, 'app-node-redis');
    mkdirSync(nrApp);
    writeFileSync(join(nrApp, 'package.json'), JSON.stringify({ name: 'app-node-redis', private: true, type: 'module' }));
    ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball, 'redis@^6.0.0', 'typescript@5.9', '@types/node@20'], nrApp));
    const bin = join(nrApp, 'node_modules/.bin/redis-luagen');
    // init sees redis and no ioredis in package.json, and writes "client": "node-redis".
    expect(ok(run(bin, ['init'], nrApp)).stdout).toContain('(wrappers for node-redis)');
    ok(run(bin, ['build'], nrApp));
    ok(run(bin, ['check', '--max-warnings', '0'], nrApp));
    writeFileSync(join(nrApp, 'main.ts'), NODE_REDIS_PROGRAM(inject('redisStandalonePort')));
    // node-redis' own declarations import node:net's default export: they need esModuleInterop.
    compileAndRun(nrApp, '[1,1,0]', ['--esModuleInterop']);
  }, 300_000);
});
