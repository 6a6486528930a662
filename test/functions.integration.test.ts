// Functions mode on real servers: each script is a function library of its own, called with
// FCALL / FCALL_RO. A missing function is loaded (FUNCTION LOAD REPLACE on every master) and
// called again; batches send FCALL only; errors name the .lua line; on a Cluster the library
// reaches every master, and after a failover the new master has it without a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { loadScripts, queueScript, runScript, ScriptError } from '../templates/runtime.js';
import { startCluster, startStandalone, type StartedCluster, type StartedServer } from './support/redis-servers.js';
import { admin, closeAdmins, failover, keySlot } from './support/cluster-admin.js';
import { specFromLua } from './support/specs.js';
import { cli, project } from './support/temp-project.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const LEDGER = specFromLua('scripts/ledger.lua', '---@key log\n---@arg id string\n---@return integer\nreturn redis.call("HINCRBY", KEYS[1], ARGV[1], 1)\n', 'functions');
const READ = specFromLua('scripts/read.lua', '#!lua flags=no-writes\n---@key log\n---@arg id string\n---@return string?\nreturn redis.call("HGET", KEYS[1], ARGV[1])\n', 'functions');
const FAILS = specFromLua(
  'scripts/fails.lua',
  '---@key k\n---@return integer\nlocal seen = redis.call("EXISTS", KEYS[1])\n\nreturn redis.call("INCR", KEYS[1]) + seen\n',
  'functions',
);

const stats = async (node: Redis): Promise<string> => (await node.info('commandstats')) as string;
const calls = (text: string, command: string): number => Number(new RegExp(`cmdstat_${command.replace('|', '\\|')}:calls=(\\d+),`).exec(text)?.[1] ?? 0);

describe('functions mode, standalone', () => {
  let server: StartedServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startStandalone();
    redis = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('a first call loads its library and runs it with FCALL; no EVAL or EVALSHA is sent', async () => {
    await redis.config('RESETSTAT');
    expect(LEDGER.fn?.name).toMatch(/^rlg_ledger_[0-9a-f]{12}$/);
    expect(await runScript(LEDGER, redis, { log: 'fn:log', id: 'a' })).toBe(1);
    expect(await runScript(LEDGER, redis, { log: 'fn:log', id: 'a' })).toBe(2);
    const s = await stats(redis);
    expect(calls(s, 'function|load')).toBe(1);
    expect(calls(s, 'fcall')).toBe(3); // the one that found no function, its retry, the second call
    expect(calls(s, 'eval') + calls(s, 'evalsha')).toBe(0);
  });

  it('a no-writes script is registered with that flag and called with FCALL_RO', async () => {
    await redis.config('RESETSTAT');
    expect(await runScript(READ, redis, { log: 'fn:log', id: 'a' })).toBe('2');
    expect(calls(await stats(redis), 'fcall_ro')).toBeGreaterThan(0);
    const list = (await redis.call('FUNCTION', 'LIST', 'LIBRARYNAME', READ.fn?.name as string)) as unknown[];
    expect(JSON.stringify(list)).toContain('no-writes');
  });

  it('pipelines and transactions send FCALL, one row per call, each promise its own reply', async () => {
    await loadScripts(redis, [LEDGER, READ]);
    await redis.config('RESETSTAT');
    const replies: unknown[] = [];
    for (const chain of [redis.pipeline(), redis.multi()]) {
      const first = queueScript<number>(LEDGER, chain, { log: 'fn:batch', id: 'x' });
      const second = queueScript<number>(LEDGER, chain, { log: 'fn:batch', id: 'x' });
      const read = queueScript<string | null>(READ, chain, { log: 'fn:batch', id: 'x' });
      await chain.exec();
      replies.push(await first, await second, await read);
    }
    expect(replies).toEqual([1, 2, '2', 3, 4, '4']);
    const s = await stats(redis);
    expect(calls(s, 'eval') + calls(s, 'evalsha') + calls(s, 'function|load')).toBe(0);
    expect(await redis.hget('fn:batch', 'x')).toBe('4');
  });

  it('a batch whose function is gone rejects that call with the server error (the script did not run)', async () => {
    await redis.call('FUNCTION', 'FLUSH');
    const chain = redis.pipeline();
    const call = queueScript<number>(LEDGER, chain, { log: 'fn:gone', id: 'x' });
    await chain.exec();
    await expect(call).rejects.toThrow(/^ERR Function not found/);
    await expect(call).rejects.not.toBeInstanceOf(ScriptError);
    expect(await redis.exists('fn:gone')).toBe(0);
    // A direct call loads it again.
    expect(await runScript(LEDGER, redis, { log: 'fn:gone', id: 'x' })).toBe(1);
  });

  it("an error inside the function names the .lua file and line, as with EVALSHA", async () => {
    await redis.hset('fn:wrongtype', 'f', 'v');
    const error = await runScript(FAILS, redis, { k: 'fn:wrongtype' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).message).toBe('fails (scripts/fails.lua:5): WRONGTYPE Operation against a key holding the wrong kind of value');
    expect((error as ScriptError).line).toBe(5);
  });

  it('loadScripts installs every library; a changed script is a new library next to the old one', async () => {
    await redis.call('FUNCTION', 'FLUSH');
    const changed = specFromLua('scripts/ledger.lua', '---@key log\n---@arg id string\n---@return integer\nreturn redis.call("HINCRBY", KEYS[1], ARGV[1], 10)\n', 'functions');
    await loadScripts(redis, [LEDGER, changed]);
    const names = JSON.stringify(await redis.call('FUNCTION', 'LIST'));
    expect(names).toContain(LEDGER.fn?.name);
    expect(names).toContain(changed.fn?.name);
    expect(await runScript(LEDGER, redis, { log: 'fn:two', id: 'x' })).toBe(1);
    expect(await runScript(changed, redis, { log: 'fn:two', id: 'x' })).toBe(11);
  });
});

describe('functions mode, Cluster', () => {
  let cluster: StartedCluster;
  let client: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicas: 1 });
    client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] as number }], { redisOptions: { maxRetriesPerRequest: 1 } });
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
    });
  }, 90000);
  afterAll(async () => {
    await client?.quit().catch(() => client.disconnect());
    await closeAdmins();
    await cluster?.stop();
  });

  it('loadScripts puts the library on every master, and replication on every replica', async () => {
    await loadScripts(client, [LEDGER]);
    for (const port of cluster.ports) {
      const list = JSON.stringify(await admin(port).call('FUNCTION', 'LIST'));
      expect(list, `node ${port}`).toContain(LEDGER.fn?.name);
    }
  }, 30000);

  it('after a failover the new master runs the function without loading it again', async () => {
    const seed = cluster.ports[0] as number;
    const log = `fn:{${Date.now()}}`;
    expect(await runScript(LEDGER, client, { log, id: 'before' })).toBe(1);
    const slot = await keySlot(seed, log);
    const promoted = await failover(seed, slot);
    await admin(promoted.port).config('RESETSTAT');
    expect(await runScript(LEDGER, client, { log, id: 'after' })).toBe(1);
    const s = (await admin(promoted.port).info('commandstats')) as string;
    expect(calls(s, 'function|load')).toBe(0);
    expect(calls(s, 'fcall')).toBe(1);
    expect(await admin(promoted.port).hgetall(log)).toEqual({ before: '1', after: '1' });
  }, 90000);
});

describe('choosing the mode', () => {
  const SCRIPT = '---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n';
  const config = (extra: object) => JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen', ...extra });

  it('"mode" in the config and --mode on the command line; a wrong one is refused by name', async () => {
    const dir = project({ 'redis-luagen.config.json': config({}), 'lua/incr.lua': SCRIPT });
    expect((await cli(dir, 'build')).code).toBe(0);
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).not.toContain('fn: {');
    expect((await cli(dir, 'build', '--mode', 'functions')).code).toBe(0);
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).toContain("name: 'rlg_incr_");
    // The cache does not answer for the other mode: check (eval, from the config) sees the FCALL wrapper as stale.
    expect((await cli(dir, 'check', '--format', 'plain')).stdout).toContain('gen/incr.ts is stale');
    const bad = await cli(dir, 'build', '--mode', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--mode must be eval or functions, got 'fast'");
    const inConfig = project({ 'redis-luagen.config.json': config({ mode: 'functions' }), 'lua/incr.lua': SCRIPT });
    expect((await cli(inConfig, 'build')).code).toBe(0);
    expect(readFileSync(join(inConfig, 'gen/incr.ts'), 'utf8')).toContain('FCALL');
    const wrong = project({ 'redis-luagen.config.json': config({ mode: 'fcall' }), 'lua/incr.lua': SCRIPT });
    expect((await cli(wrong, 'build')).stderr).toContain(`"mode": must be 'eval' or 'functions', got "fcall"`);
  });
});
