// A big cold build on worker threads gives, byte for byte, the outputs and findings of the
// same build on one thread. The bin runs the built package (workers need JavaScript files),
// forced to 2 workers; the in-process run (TypeScript sources) stays on one thread.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, filesUnder } from './support/temp-project.js';
import { writeProject } from './support/synthetic-project.js';
import { PARALLEL_MIN } from '../src/project/workers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'redis-luagen.js');
const base = mkdtempSync(join(tmpdir(), 'redis-luagen-parallel-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));


describe('parallel cold build', () => {
  it('writes what the one-thread build writes and reports the same findings', async () => {
    const one = writeProject(join(base, 'one'), PARALLEL_MIN * 2, 7);
    // One script that fails and one whose include is missing: errors cross the threads too.
    writeFileSync(join(one.root, 'scripts/limits/broken.lua'), '---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1]) +\n');
    writeFileSync(join(one.root, 'scripts/limits/no-lib.lua'), '---@key k\n---@return integer\n--- @include "../../lua-lib/missing"\nreturn 1\n');
    cpSync(one.root, join(base, 'two'), { recursive: true });

    const inProcess = await cli(one.root, 'build', '--format', 'plain');
    const child = spawnSync(process.execPath, [BIN, 'build', '--format', 'plain', '--verbose'], { cwd: join(base, 'two'), encoding: 'utf8', env: { ...process.env, REDIS_LUAGEN_WORKERS: '2' } });
    expect(inProcess.code).toBe(1);
    expect(child.status).toBe(1);
    expect(child.stdout).toBe(inProcess.stdout);
    expect(child.stderr).toContain(`${PARALLEL_MIN * 2 + 2} compiled on 2 worker threads, 0 unchanged`);
    expect(child.stdout).toContain('RL008');
    expect(child.stdout).toContain('RL001');
    expect(filesUnder(join(base, 'two/src/generated'))).toEqual(filesUnder(join(one.root, 'src/generated')));
  }, 120_000);
});
