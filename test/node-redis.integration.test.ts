// The node-redis runtime on real servers, with the `redis` package: NOSCRIPT recovery, multi()
// batches that carry each script once and settle every queued call with its own reply (also
// when node-redis throws MultiErrorReply, or the first error of a pipeline), error lines, the
// slot pre-check, loading, and a Cluster failing over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createCluster, RESP_TYPES } from 'redis';
import { Redis } from 'ioredis';
import { CrossSlotError, loadScripts, queueScript, runScript, ScriptError, type Chain, type Client } from '../templates/runtime-node-redis.js';
import { startCluster, startStandalone, type StartedCluster, type StartedServer } from './support/redis-servers.js';
import { admin, closeAdmins, failover, keySlot } from './support/cluster-admin.js';
import { ECHO, LEDGER, specFromLua } from './support/specs.js';
import { cli, project } from './support/temp-project.js';
import { audit, flushLoop, MODES, nodeRedisCaller, runLoad } from './support/chaos.js';
import { rng } from './support/lua-gen.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FAILS = specFromLua('scripts/fails.lua', '---@key k\n---@return integer\nlocal seen = redis.call("EXISTS", KEYS[1])\n\nreturn redis.call("INCR", KEYS[1]) + seen\n');
const TWO_KEYS = specFromLua('scripts/two.lua', '---@key a\n---@key b\n---@return integer\nreturn redis.call("EXISTS", KEYS[1], KEYS[2])\n');
const LEDGER_FN = specFromLua('scripts/ledger.lua', '---@key log\n---@arg id string\n---@return integer\nreturn redis.call("HINCRBY", KEYS[1], ARGV[1], 1)\n', 'functions');

const TYPED = specFromLua(
  'scripts/typed.lua',
  `---@key h\n---@return [string, hash, json]\nreturn { redis.call('HGET', KEYS[1], 'name'), redis.call('HGETALL', KEYS[1]), cjson.encode({ a = { 1 } }) }\n`,
);

const calls = (text: string, command: string): number => Number(new RegExp(`cmdstat_${command.replace('|', '\\|')}:calls=(\\d+),`).exec(text)?.[1] ?? 0);
const outcome = (p: Promise<unknown>): Promise<unknown> => p.then((v) => ({ ok: v }), (e: Error) => ({ error: `${e.name}: ${e.message}` }));

describe('node-redis runtime, standalone', () => {
  let server: StartedServer;
  let client: ReturnType<typeof createClient>;
  let stats: Redis;
  const commandstats = async () => (await stats.info('commandstats')) as string;
  beforeAll(async () => {
    server = await startStandalone();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    await client.connect();
    stats = new Redis({ host: '127.0.0.1', port: server.port });
  });
  afterAll(async () => {
    await client?.close();
    await stats?.quit();
    await server?.stop();
  });

  it('after SCRIPT FLUSH a call loads the script with SCRIPT LOAD and sends EVALSHA again', async () => {
    await stats.script('FLUSH');
    await stats.config('RESETSTAT');
    expect(await runScript(LEDGER, client, { log: 'nr:log', id: 'a' })).toBe(1);
    const s = await commandstats();
    expect(calls(s, 'evalsha')).toBe(2);
    expect(calls(s, 'script|load')).toBe(1);
    expect(calls(s, 'eval')).toBe(0);
  });

  it('a multi() carries each script text once, adds no row, and settles each call with its own reply', async () => {
    await stats.script('FLUSH');
    await stats.config('RESETSTAT');
    const multi = client.multi();
    multi.set('nr:plain', 'v');
    const a = queueScript(LEDGER, multi, { log: 'nr:batch', id: 'x' });
    const b = queueScript(LEDGER, multi, { log: 'nr:batch', id: 'x' });
    const c = queueScript(ECHO, multi, { k: 'nr:echo', v: 'hello' });
    multi.get('nr:plain');
    const rows = await multi.exec();
    expect(rows).toEqual(['OK', 1, 2, 'hello', 'v']);
    expect(await Promise.all([a, b, c])).toEqual([1, 2, 'hello']);
    const s = await commandstats();
    expect(calls(s, 'eval')).toBe(2);
    expect(calls(s, 'evalsha')).toBe(1);
  });

  it('execAsPipeline() without an error settles each call with its own reply', async () => {
    const multi = client.multi();
    const a = queueScript(LEDGER, multi, { log: 'nr:pipe', id: 'p' });
    multi.incr('nr:pipe-counter');
    const b = queueScript(LEDGER, multi, { log: 'nr:pipe', id: 'p' });
    const rows = (await multi.execAsPipeline()) as unknown[];
    expect(rows[1]).toBeTypeOf('number');
    expect(await Promise.all([a, b])).toEqual([(rows[0] as number), (rows[0] as number) + 1]);
  });

  it('a transaction where commands fail: each call gets its own row, a script error names the .lua line', async () => {
    await stats.set('nr:text', 'not a number');
    const multi = client.multi();
    const ok1 = queueScript(LEDGER, multi, { log: 'nr:tx', id: 'one' });
    const bad = queueScript(FAILS, multi, { k: 'nr:text' });
    multi.incr('nr:text'); // fails too, outside any script
    const ok2 = queueScript(ECHO, multi, { k: 'nr:echo', v: 'after' });
    const thrown = await multi.exec().catch((e: unknown) => e);
    expect((thrown as Error).constructor.name).toBe('MultiErrorReply');
    expect((thrown as { errorIndexes: number[] }).errorIndexes).toEqual([1, 2]);
    // The rows node-redis hands over are the raw replies, with no marker left in them.
    const replies = (thrown as { replies: unknown[] }).replies;
    expect(replies[0]).toBeTypeOf('number');
    expect(replies[3]).toBe('after');
    expect(await ok1).toBeTypeOf('number');
    expect(await ok2).toBe('after');
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).file).toBe('scripts/fails.lua');
    expect((error as ScriptError).line).toBe(5);
    expect((error as ScriptError).message).toContain('ERR value is not an integer');
  });

  it('two failed rows around one failed call: the error naming its script is its own', async () => {
    await stats.set('nr:text', 'not a number');
    const multi = client.multi();
    multi.incr('nr:text');
    const bad = queueScript(FAILS, multi, { k: 'nr:text' });
    multi.incr('nr:text');
    await multi.exec().catch(() => undefined);
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).line).toBe(5);
  });

  it('a transaction that did not run (WATCH) fails each call with node-redis\' error', async () => {
    await client.watch('nr:watched');
    await stats.set('nr:watched', 'changed');
    const multi = client.multi();
    const call = queueScript(LEDGER, multi, { log: 'nr:watched-log', id: 'w' });
    await expect(multi.exec()).rejects.toThrow(/watched keys has been changed/);
    await expect(call).rejects.toThrow(/watched keys has been changed/);
    expect(await stats.exists('nr:watched-log')).toBe(0);
  });

  it('execAsPipeline() that throws its first error: each call says its outcome is unknown rather than guessing', async () => {
    await stats.set('nr:text', 'not a number');
    const multi = client.multi();
    const ran = queueScript(LEDGER, multi, { log: 'nr:pipe-err', id: 'ran' });
    const bad = queueScript(FAILS, multi, { k: 'nr:text' });
    await expect(multi.execAsPipeline()).rejects.toThrow(/not an integer/);
    await expect(ran).rejects.toThrow(/whether this call ran is unknown/);
    await expect(bad).rejects.toThrow(/whether this call ran is unknown/);
    // It did run: the message does not say it failed.
    expect(await stats.hget('nr:pipe-err', 'ran')).toBe('1');
  });

  it('refuses, before sending: a client with keyPrefix, a multi() given as a client, a client given as a multi()', async () => {
    const prefixed = createClient({ socket: { host: '127.0.0.1', port: server.port }, keyPrefix: 'app:' });
    await prefixed.connect();
    try {
      await expect(runScript(LEDGER, prefixed, { log: 'l', id: 'x' })).rejects.toThrow(/keyPrefix "app:"/);
    } finally {
      await prefixed.close();
    }
    await expect(runScript(LEDGER, client.multi() as unknown as Client, { log: 'l', id: 'x' })).rejects.toThrow(/is a multi\(\); queue the call/);
    expect(() => queueScript(LEDGER, client as unknown as Chain, { log: 'l', id: 'x' })).toThrow(/must be a multi\(\) of a node-redis client/);
    await expect(runScript(LEDGER, client, { log: 'l' })).rejects.toThrow(/missing required field 'id'/);
  });

  it('a client that maps bulk strings to Buffers (typeMapping) still gets the contract\'s strings, hashes and JSON', async () => {
    const buffers = createClient({ socket: { host: '127.0.0.1', port: server.port }, commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } });
    await buffers.connect();
    try {
      await stats.hset('nr:typed', 'name', 'Ada', 'n', '1');
      expect(await runScript(TYPED, buffers, { h: 'nr:typed' })).toEqual(['Ada', { name: 'Ada', n: '1' }, { a: [1] }]);
      const multi = buffers.multi();
      const queued = queueScript(TYPED, multi, { h: 'nr:typed' });
      await multi.exec();
      expect(await queued).toEqual(['Ada', { name: 'Ada', n: '1' }, { a: [1] }]);
    } finally {
      await buffers.close();
    }
  });

  it('loadScripts loads and verifies every script; functions mode loads the library and calls FCALL', async () => {
    await stats.script('FLUSH');
    await loadScripts(client, [LEDGER, ECHO]);
    expect(await stats.script('EXISTS', LEDGER.sha, ECHO.sha)).toEqual([1, 1]);
    await stats.function('FLUSH');
    await stats.config('RESETSTAT');
    expect(await runScript(LEDGER_FN, client, { log: 'nr:fn', id: 'a' })).toBe(1);
    const multi = client.multi();
    const queued = queueScript(LEDGER_FN, multi, { log: 'nr:fn', id: 'a' });
    await multi.exec();
    expect(await queued).toBe(2);
    const s = await commandstats();
    expect(calls(s, 'function|load')).toBe(1);
    expect(calls(s, 'eval') + calls(s, 'evalsha')).toBe(0);
  });
});

describe('node-redis chaos slice: calls in every mode under a SCRIPT FLUSH loop', () => {
  let server: StartedServer;
  let client: ReturnType<typeof createClient>;
  let flusher: Redis;
  beforeAll(async () => {
    server = await startStandalone();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    await client.connect();
    flusher = new Redis({ host: '127.0.0.1', port: server.port });
  });
  afterAll(async () => {
    await client?.close();
    await flusher?.quit();
    await server?.stop();
  });

  it.each(MODES)('%s: no call reported done that did not run, none reported failed that ran', async (mode) => {
    let stop = false;
    const flushes = flushLoop([flusher], () => stop);
    const caller = nodeRedisCaller(client);
    const outcomes = await runLoad(caller, { mode, minCalls: 2000, until: Promise.resolve(), tags: ['a', 'b', 'c'], random: rng(20261201), run: `nr-chaos-${mode}-${Date.now()}` });
    stop = true;
    expect(await flushes).toBeGreaterThan(0);
    const result = await audit(caller, outcomes);
    expect({ phantom: result.phantom, lost: result.lost, doubled: result.doubled, wrongReply: result.wrongReply }).toEqual({ phantom: 0, lost: 0, doubled: 0, wrongReply: 0 });
    // Direct calls and transactions recover NOSCRIPT: every call is acknowledged. A pipeline
    // that meets one (a flush between two of its commands) tells its calls their outcome is unknown.
    if (mode !== 'pipeline x100') expect({ failed: result.failed, unknown: result.unknown }).toEqual({ failed: 0, unknown: 0 });
    expect(result.acknowledged + result.unknown + result.failed).toBe(outcomes.length);
  }, 60000);
});

describe('node-redis runtime, Cluster', () => {
  let cluster: StartedCluster;
  let client: ReturnType<typeof createCluster>;
  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicas: 1 });
    client = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: cluster.ports[0] as number } }] });
    await client.connect();
  }, 90000);
  afterAll(async () => {
    await client?.close();
    await closeAdmins();
    await cluster?.stop();
  });

  it('keys in two slots are refused before anything is sent, directly and in a multi()', async () => {
    await expect(runScript(TWO_KEYS, client, { a: 'x', b: 'y' })).rejects.toBeInstanceOf(CrossSlotError);
    expect(() => queueScript(TWO_KEYS, client.multi(), { a: 'x', b: 'y' })).toThrow(CrossSlotError);
    expect(await runScript(TWO_KEYS, client, { a: '{t}x', b: '{t}y' })).toBe(0);
  });

  it('calls reach the master of their keys on every shard; after SCRIPT FLUSH everywhere they load and run', async () => {
    for (const port of cluster.ports) await admin(port).script('FLUSH');
    const logs = Array.from({ length: 12 }, (_, i) => `nr:log:${i}`);
    const replies = await Promise.all(logs.map((log) => runScript(LEDGER, client, { log, id: 'a' })));
    expect(replies).toEqual(logs.map(() => 1));
    const slots = new Set(await Promise.all(logs.map((log) => keySlot(cluster.ports[0] as number, log))));
    expect(slots.size).toBeGreaterThan(3);
  });

  it('a multi() runs on the master of its keys and settles each call', async () => {
    const multi = client.multi();
    const a = queueScript(LEDGER, multi, { log: '{nr:m}log', id: 'a' });
    const b = queueScript(LEDGER, multi, { log: '{nr:m}log', id: 'a' });
    expect(await multi.exec()).toEqual([1, 2]);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
  });

  it('after a failover the call reaches the new master; a missing script is loaded there', async () => {
    const seed = cluster.ports[0] as number;
    const log = `nr:{${Date.now()}}`;
    expect(await runScript(LEDGER, client, { log, id: 'before' })).toBe(1);
    const promoted = await failover(seed, await keySlot(seed, log));
    await admin(promoted.port).script('FLUSH');
    expect(await runScript(LEDGER, client, { log, id: 'after' })).toBe(1);
    expect(await admin(promoted.port).hgetall(log)).toEqual({ before: '1', after: '1' });
    expect(await admin(promoted.port).script('EXISTS', LEDGER.sha)).toEqual([1]);
  }, 90000);

  it('functions: after a failover the new master runs the function with no FUNCTION LOAD', async () => {
    const seed = cluster.ports[0] as number;
    const log = `nr:fn:{${Date.now()}}`;
    expect(await runScript(LEDGER_FN, client, { log, id: 'before' })).toBe(1);
    const promoted = await failover(seed, await keySlot(seed, log));
    await admin(promoted.port).config('RESETSTAT');
    expect(await runScript(LEDGER_FN, client, { log, id: 'after' })).toBe(1);
    const s = (await admin(promoted.port).info('commandstats')) as string;
    expect(calls(s, 'function|load')).toBe(0);
    expect(calls(s, 'fcall')).toBe(1);
    expect(await admin(promoted.port).hgetall(log)).toEqual({ before: '1', after: '1' });
  }, 90000);

  it('functions: loadScripts puts the library on every master; FCALL runs where the keys live', async () => {
    await loadScripts(client, [LEDGER_FN]);
    for (const port of cluster.ports) {
      const list = JSON.stringify(await admin(port).call('FUNCTION', 'LIST'));
      expect(list, `node ${port}`).toContain(LEDGER_FN.fn?.name);
    }
    expect(await outcome(runScript(LEDGER_FN, client, { log: 'nr:fn:{c}', id: 'a' }))).toEqual({ ok: 1 });
  }, 30000);
});

describe('choosing the client', () => {
  const SCRIPT = '---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n';
  const config = (extra: object) => JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen', ...extra });

  it('"client" in the config and --client on the command line; a wrong one is refused by name', async () => {
    const dir = project({ 'redis-luagen.config.json': config({}), 'lua/incr.lua': SCRIPT });
    expect((await cli(dir, 'build')).code).toBe(0);
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).toContain("from 'ioredis'");
    expect(readFileSync(join(dir, 'gen/redis-luagen-runtime.ts'), 'utf8')).toContain("from 'ioredis'");
    expect((await cli(dir, 'build', '--client', 'node-redis')).code).toBe(0);
    const wrapper = readFileSync(join(dir, 'gen/incr.ts'), 'utf8');
    expect(wrapper).not.toContain('ioredis');
    expect(wrapper).toContain('chain: Chain');
    const runtime = readFileSync(join(dir, 'gen/redis-luagen-runtime.ts'), 'utf8');
    expect(runtime).toContain('export interface Chain {');
    expect(runtime).not.toMatch(/^import /m); // the node-redis runtime imports nothing
    // The index follows the client too (the build cache does not keep the ioredis one).
    expect(readFileSync(join(dir, 'gen/index.ts'), 'utf8')).toContain('export type { Chain, Client, LoadOptions, ScriptSpec }');
    expect(readFileSync(join(dir, 'gen/index.ts'), 'utf8')).toContain('await client.connect()');
    expect(runtime).not.toContain('runtime-core');
    // The cache does not answer for the other client: check (ioredis, from the config) sees the wrappers as stale.
    expect((await cli(dir, 'check', '--format', 'plain')).stdout).toContain('gen/incr.ts is stale');
    const bad = await cli(dir, 'build', '--client', 'redis');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--client must be 'ioredis' or 'node-redis', got "redis"`);
    const wrong = project({ 'redis-luagen.config.json': config({ client: 'node_redis' }), 'lua/incr.lua': SCRIPT });
    expect((await cli(wrong, 'build')).stderr).toContain(`"client": must be 'ioredis' or 'node-redis', got "node_redis"`);
  });
});
