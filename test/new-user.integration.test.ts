// A new user, end to end: the repository packed as npm would publish it, installed in an
// empty app next to ioredis 6 (npm's latest major), `redis-luagen init`, `build`, a strict tsc
// (as ESM and as CommonJS), the wrapper called against a real redis-server, then an edit
// without a rebuild caught by `check --format sarif` and `--format github`.
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

describe('a new user, from the packed package to a call on a real server', () => {
  it('packs, installs next to ioredis 6, inits, builds, compiles strictly, calls, and check catches an edit', () => {
    // 1. The package as npm would publish it (dist/ is built by npm test before the tests run).
    ok(run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--silent'], REPO));
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz')) as string;
    expect(tarball).toBeDefined();
    const listing = ok(run('tar', ['-tzf', join(work, tarball)], work)).stdout;
    for (const path of ['package/bin/redis-luagen.js', 'package/dist/src/index.js', 'package/dist/src/cli/main.js', 'package/templates/runtime.ts', 'package/redis-luagen.schema.json']) {
      expect(listing).toContain(path);
    }

    // 2. An empty app: the package, ioredis 6, TypeScript.
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', join(work, tarball), 'ioredis@^6.0.0', 'typescript@5.9', '@types/node@20']));
    const bin = join(app, 'node_modules/.bin/redis-luagen');

    // 3. init, build, check: the first script is clean.
    expect(ok(run(bin, ['init'])).stdout).toContain('npx redis-luagen build');
    ok(run(bin, ['build']));
    ok(run(bin, ['check', '--max-warnings', '0']));

    // 4. A strict tsc, as ESM and as CommonJS, and a call against the real server.
    const port = inject('redisStandalonePort');
    writeFileSync(join(app, 'main.ts'), PROGRAM(port));
    const tsc = join(app, 'node_modules/typescript/bin/tsc');
    for (const [kind, module, resolution] of [['esm', 'NodeNext', 'NodeNext'], ['cjs', 'CommonJS', 'Node10']] as const) {
      const out = join(app, kind);
      ok(run(process.execPath, [tsc, '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--module', module, '--moduleResolution', resolution, '--target', 'ES2022', '--types', 'node', '--outDir', out, 'main.ts']));
      if (kind === 'cjs') writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}');
      expect(ok(run(process.execPath, [join(out, 'main.js')])).stdout.trim()).toBe('[1,1,0]');
    }

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
});
