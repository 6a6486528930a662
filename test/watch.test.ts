// watch on a real folder with chokidar: rebuilds on change, keeps the last good output when
// a script breaks, reloads the config, and does not react to its own output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWatch, type BuildEvent, type Watcher } from '../src/watch/watch.js';

const GET = '---@key k\n---@return string?\nreturn redis.call("GETDEL", KEYS[1])\n';

let dir = '';
let watcher: Watcher | undefined;

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('watch', () => {
  it('rebuilds on change, keeps the last good output, reloads the config, ignores its own output', async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-luagen-watch-'));
    mkdirSync(join(dir, 'lua'));
    writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen' }));
    writeFileSync(join(dir, 'lua/get-value.lua'), GET);
    writeFileSync(join(dir, 'lua/legacy.lua'), 'return redis.call("GET", KEYS[1])\n');
    const events: BuildEvent[] = [];
    watcher = await startWatch({ cwd: dir }, { onBuild: (e) => events.push(e), debounceMs: 50 });
    expect(events).toHaveLength(1);
    const wrapper = () => readFileSync(join(dir, 'gen/get-value.ts'), 'utf8');
    expect(wrapper()).toContain('export function getValue(');

    // A change rebuilds once; writing the output does not trigger another build.
    writeFileSync(join(dir, 'lua/get-value.lua'), GET.replace('string?', 'string? the stored value'));
    await until(() => events.length === 2, 'rebuild after a change');
    expect(wrapper()).toContain('the stored value');
    expect((events[0] as Extract<BuildEvent, { kind: 'built' }>).changed).toEqual([]);
    expect((events[1] as Extract<BuildEvent, { kind: 'built' }>).changed).toEqual(['lua/get-value.lua']); // says which file started it
    await new Promise((r) => setTimeout(r, 400));
    expect(events).toHaveLength(2);

    // A broken script: diagnostics are reported and the last good wrapper stays.
    const good = wrapper();
    writeFileSync(join(dir, 'lua/get-value.lua'), 'return +\n');
    await until(() => events.length === 3, 'rebuild after breaking a script');
    const broken = events[2] as Extract<BuildEvent, { kind: 'built' }>;
    expect(broken.kind).toBe('built');
    expect(broken.run.diagnostics.map((d) => d.code)).toContain('RL001');
    expect(wrapper()).toBe(good);

    // A config change is picked up: RL006 switched off.
    expect(broken.run.diagnostics.map((d) => d.code)).toContain('RL006');
    writeFileSync(
      join(dir, 'redis-luagen.config.json'),
      JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen', rules: { 'missing-contract': 'off' } }),
    );
    await until(() => events.length === 4, 'rebuild after a config change');
    const reloaded = events[3] as Extract<BuildEvent, { kind: 'built' }>;
    expect(reloaded.run.diagnostics.map((d) => d.code)).toContain('RL001');
    expect(reloaded.run.diagnostics.map((d) => d.code)).not.toContain('RL006');

    // A broken config is reported; the watcher keeps running with the previous one.
    writeFileSync(join(dir, 'redis-luagen.config.json'), '{ "outDir": ');
    await until(() => events.length === 5, 'report of a broken config');
    expect(events[4]?.kind).toBe('error');

    // Fixing the script rebuilds it.
    writeFileSync(join(dir, 'lua/get-value.lua'), GET);
    await until(() => events.length === 6, 'rebuild after the fix');
    expect(wrapper()).not.toContain('the stored value');
    expect(wrapper()).toContain('export function getValue(');
  });

  it('rebuilds a script when a file it includes changes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-luagen-watch-'));
    mkdirSync(join(dir, 'lua'));
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen' }));
    writeFileSync(join(dir, 'shared/get.lua'), 'local function read(k) return redis.call("GET", k) end\n');
    writeFileSync(join(dir, 'lua/read-it.lua'), '---@key k\n---@return string?\n--- @include "~/shared/get"\nreturn read(KEYS[1])\n');
    const events: BuildEvent[] = [];
    watcher = await startWatch({ cwd: dir }, { onBuild: (e) => events.push(e), debounceMs: 50 });
    const wrapper = () => readFileSync(join(dir, 'gen/read-it.ts'), 'utf8');
    expect(wrapper()).toContain('redis.call("GET"');
    writeFileSync(join(dir, 'shared/get.lua'), 'local function read(k) return redis.call("GETDEL", k) end\n');
    await until(() => wrapper().includes('redis.call("GETDEL"'), 'the wrapper to follow the included file');
    // The wrapper is on disk before the build reports (the cache is written in between).
    await until(() => events.length > 1, 'the rebuild to be reported');
    expect(events[1]?.kind).toBe('built');
  });

  it('reads again each script it is told changed, and rewrites a wrapper edited by hand on the next build', async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-luagen-watch-'));
    mkdirSync(join(dir, 'lua'));
    writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen' }));
    writeFileSync(join(dir, 'lua/get-value.lua'), GET);
    writeFileSync(join(dir, 'lua/other.lua'), GET);
    const events: BuildEvent[] = [];
    watcher = await startWatch({ cwd: dir }, { onBuild: (e) => events.push(e), debounceMs: 20 });
    const wrapper = (name: string) => readFileSync(join(dir, `gen/${name}.ts`), 'utf8');
    // Edits one after another, each of the same size: every one reaches the wrapper, also one
    // saved 10 ms after another (chokidar reports no change of a file within 50 ms of the last).
    for (const word of ['first', 'again', 'third']) {
      writeFileSync(join(dir, 'lua/get-value.lua'), GET.replace('string?', `string? ${word}`));
      await until(() => wrapper('get-value').includes(word), `the edit '${word}'`);
    }
    writeFileSync(join(dir, 'lua/get-value.lua'), GET.replace('string?', 'string? fifth'));
    await new Promise((r) => setTimeout(r, 10));
    writeFileSync(join(dir, 'lua/get-value.lua'), GET.replace('string?', 'string? sixth'));
    await until(() => wrapper('get-value').includes('sixth'), "the edit saved 10 ms after another");
    // The output folder is not watched: a wrapper edited there is put right by the next build.
    const good = wrapper('other');
    writeFileSync(join(dir, 'gen/other.ts'), good.replace('GETDEL', 'DEL'));
    writeFileSync(join(dir, 'lua/get-value.lua'), GET);
    await until(() => wrapper('other') === good, 'the hand-edited wrapper to be rewritten');
    expect(wrapper('get-value')).not.toContain('sixth');
  });
});
