// The generated example wrappers, called against a real standalone redis-server and a real
// 3-master Redis Cluster (with replicas): typed results, NOSCRIPT recovery, pipelines and
// transactions, argument validation before sending, script errors mapped to .lua lines.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as ioredis6 from 'ioredis6';
import { Redis, type Cluster } from 'ioredis';
import {
  acquireLock,
  allScripts,
  CrossSlotError,
  enqueueJob,
  idempotencyCheck,
  leaderboardUpdate,
  legacyTouch,
  loadAllScripts,
  lookupProfile,
  releaseLock,
  ScriptError,
  slidingWindow,
  sumCounters,
} from '../generated-example/src/generated/index.js';
import { cluster, clusterPorts, standalone } from './support/clients.js';
import { slotOf } from '../templates/runtime.js';

type Client = Redis | Cluster;

/** A Cluster of either ioredis major (instanceof would tie the test to one of them). */
const isCluster = (client: Client): client is Cluster => typeof (client as Cluster).nodes === 'function';

async function flushScripts(client: Client): Promise<void> {
  if (!isCluster(client)) await client.script('FLUSH');
  else await Promise.all(client.nodes('all').map((n) => n.script('FLUSH')));
}

let run = 0;
const unique = () => `t${process.pid}-${Date.now()}-${run++}`;

describe.each([
  ['standalone', () => standalone()],
  ['cluster', () => cluster()],
  // ioredis 6 speaks RESP3 by default: replies come back as RESP3 types.
  ['standalone, ioredis 6 (RESP3)', () => new ioredis6.Redis({ host: '127.0.0.1', port: inject('redisStandalonePort'), maxRetriesPerRequest: 1 }) as unknown as Redis],
  ['cluster, ioredis 6 (RESP3)', () => new ioredis6.Cluster(clusterPorts().map((port) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: 1 } }) as unknown as Cluster],
])('example wrappers on %s', (_kind, connect) => {
  let redis: Client;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('slidingWindow admits up to the limit and returns a typed tuple', async () => {
    const window = `rate:{${unique()}}`;
    const call = (requestId: string) => slidingWindow(redis, { window, now: 1_000, windowMs: 60_000, limit: 2, requestId });
    expect(await call('a')).toEqual([true, 1]);
    expect(await call('b')).toEqual([true, 0]);
    expect(await call('c')).toEqual([false, 0]);
  });

  it('acquireLock and releaseLock honour the owner', async () => {
    const lock = `lock:{${unique()}}`;
    expect(await acquireLock(redis, { lock, owner: 'me', ttlMs: 10_000 })).toBe(true);
    expect(await acquireLock(redis, { lock, owner: 'you', ttlMs: 10_000 })).toBe(false);
    expect(await releaseLock(redis, { lock, owner: 'you' })).toBe(false);
    expect(await releaseLock(redis, { lock, owner: 'me' })).toBe(true);
    expect(await redis.exists(lock)).toBe(0);
  });

  it('leaderboardUpdate returns rank and score', async () => {
    const board = `board:{${unique()}}`;
    expect(await leaderboardUpdate(redis, { board, player: 'alice', points: 1.5 })).toEqual([0, '1.5']);
    expect(await leaderboardUpdate(redis, { board, player: 'bob', points: 3 })).toEqual([0, '3']);
    expect(await leaderboardUpdate(redis, { board, player: 'alice', points: -0.25 })).toEqual([1, '1.25']);
  });

  it('idempotencyCheck gives null first, then the stored JSON parsed', async () => {
    const idem = `idem:{${unique()}}`;
    const pending = { state: 'pending', at: 5 };
    expect(await idempotencyCheck(redis, { idem, pending, ttlSeconds: 60 })).toBeNull();
    expect(await idempotencyCheck(redis, { idem, pending: { other: true }, ttlSeconds: 60 })).toEqual(pending);
  });

  it('lookupProfile (no-writes, EVALSHA_RO) decodes a hash to an object', async () => {
    const profile = `profile:{${unique()}}`;
    await redis.hset(profile, 'name', 'Ada', 'lang', 'lua');
    const result = await lookupProfile(redis, { profile });
    expect(result).toEqual({ name: 'Ada', lang: 'lua', _ttl: '-1' });
  });

  it('sumCounters takes a variadic list of keys', async () => {
    const tag = unique();
    await redis.set(`c:{${tag}}:1`, '2');
    await redis.set(`c:{${tag}}:2`, '40');
    expect(await sumCounters(redis, { counters: [`c:{${tag}}:1`, `c:{${tag}}:2`, `c:{${tag}}:3`] })).toBe(42);
    expect(await sumCounters(redis, { counters: [] })).toBe(0);
  });

  it('enqueueJob sends json and literal-union args and derives keys from a tagged key', async () => {
    const queue = `jobs:{${unique()}}`;
    expect(await enqueueJob(redis, { queue, job: { n: 1 }, priority: 'low' })).toBe(1);
    expect(await enqueueJob(redis, { queue, job: { n: 2 }, priority: 'high' })).toBe(2);
    expect(await redis.lrange(queue, 0, -1)).toEqual(['2', '1']);
    expect(JSON.parse((await redis.get(`${queue}:job:2`)) as string)).toEqual({ n: 2 });
  });

  it('legacyTouch (no contract) takes inferred string params', async () => {
    const key1 = `legacy:{${unique()}}`;
    expect(await legacyTouch(redis, { key1, arg1: '5', arg2: '60' })).toBe(5);
    expect(await legacyTouch(redis, { key1, arg1: '2', arg2: '60' })).toBe(7);
  });

  it('recovers from NOSCRIPT after SCRIPT FLUSH, transparently', async () => {
    const lock = `lock:{${unique()}}`;
    expect(await acquireLock(redis, { lock, owner: 'a', ttlMs: 10_000 })).toBe(true);
    await flushScripts(redis);
    expect(await releaseLock(redis, { lock, owner: 'a' })).toBe(true);
    await flushScripts(redis);
    expect(await acquireLock(redis, { lock, owner: 'b', ttlMs: 10_000 })).toBe(true);
  });

  it('runs inside pipeline() in order, after SCRIPT FLUSH, with typed results', async () => {
    const queue = `jobs:{${unique()}}`;
    await flushScripts(redis);
    const pipe = redis.pipeline();
    const first = enqueueJob.queue(pipe, { queue, job: 'a', priority: 'low' });
    pipe.lrange(queue, 0, -1);
    const second = enqueueJob.queue(pipe, { queue, job: 'b', priority: 'low' });
    pipe.llen(queue);
    const raw = await pipe.exec();
    expect(raw).toEqual([[null, 1], [null, ['1']], [null, 2], [null, 2]]);
    expect(await first).toBe(1);
    expect(await second).toBe(2);
  });

  it('runs inside multi() after SCRIPT FLUSH (EVAL, never NOSCRIPT)', async () => {
    const lock = `lock:{${unique()}}`;
    // Load by EVALSHA first, then flush: an EVALSHA queued now would fail at EXEC.
    expect(await acquireLock(redis, { lock, owner: 'x', ttlMs: 10_000 })).toBe(true);
    await flushScripts(redis);
    const tx = redis.multi();
    const released = releaseLock.queue(tx, { lock, owner: 'x' });
    tx.exists(lock);
    const taken = acquireLock.queue(tx, { lock, owner: 'y', ttlMs: 10_000 });
    const raw = await tx.exec();
    expect(raw).toEqual([[null, 1], [null, 0], [null, 1]]);
    expect(await released).toBe(true);
    expect(await taken).toBe(true);
    expect(await redis.get(lock)).toBe('y');
  });

  it('rethrows a script error with its .lua file and line', async () => {
    const tag = unique();
    await redis.rpush(`c:{${tag}}:list`, 'x');
    const error = await sumCounters(redis, { counters: [`c:{${tag}}:list`] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    const e = error as ScriptError;
    expect(e.file).toBe('scripts/sum-counters.lua');
    expect(e.line).toBe(7);
    expect(e.code).toBe('WRONGTYPE');
    expect(e.script).toBe('sumCounters');
    expect(e.message).toBe('sumCounters (scripts/sum-counters.lua:7): WRONGTYPE Operation against a key holding the wrong kind of value');
    // The server names a line of the minified text; the wrapper maps it back to the .lua line.
    const sent = /on @user_script:(\d+)\.$/.exec(e.reply.message);
    expect(sent).not.toBeNull();
    expect(Number(sent![1])).toBe(4);
    expect(sumCounters.script.lineMap?.[3]).toBe(7);
  });

  it('maps a Lua runtime error message to the .lua line', async () => {
    const idem = `idem:{${unique()}}`;
    const error = (await idempotencyCheck(redis, { idem, pending: 1, ttlSeconds: 0 }).catch((e: unknown) => e)) as ScriptError;
    expect(error).toBeInstanceOf(ScriptError);
    expect(error.line).toBe(11);
    expect(error.message).toBe("idempotencyCheck (scripts/idempotency-check.lua:11): ERR invalid expire time in 'set' command");
  });

  it('a script error inside a pipeline rejects that call only, with the line', async () => {
    const tag = unique();
    await redis.rpush(`c:{${tag}}:list`, 'x');
    const pipe = redis.pipeline();
    const bad = sumCounters.queue(pipe, { counters: [`c:{${tag}}:list`] });
    pipe.llen(`c:{${tag}}:list`);
    const raw = await pipe.exec();
    expect(raw?.[1]).toEqual([null, 1]);
    const error = (await bad.catch((e: unknown) => e)) as ScriptError;
    expect(error).toBeInstanceOf(ScriptError);
    expect(error.line).toBe(7);
  });

  it('loadAllScripts loads every script on every node', async () => {
    await flushScripts(redis);
    await loadAllScripts(redis);
    const nodes = isCluster(redis) ? redis.nodes('all') : [redis];
    for (const node of nodes) {
      const exists = (await node.script('EXISTS', ...allScripts.map((s) => s.sha))) as number[];
      expect(exists).toEqual(allScripts.map(() => 1));
    }
  });
});

describe('argument validation, before anything is sent', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = standalone();
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function scriptCalls(): Promise<number> {
    const info = await redis.info('commandstats');
    let total = 0;
    for (const m of info.matchAll(/^cmdstat_(?:eval|evalsha|eval_ro|evalsha_ro):calls=(\d+)/gm)) total += Number(m[1]);
    return total;
  }

  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['a missing field', () => slidingWindow(redis, { window: 'w', now: 1, windowMs: 1, limit: 1 } as never), /^slidingWindow: missing required field 'requestId'$/],
    ['a non-integer for integer', () => slidingWindow(redis, { window: 'w', now: 1.5, windowMs: 1, limit: 1, requestId: 'r' }), /^slidingWindow: 'now' must be a safe integer, got the number 1.5$/],
    ['NaN', () => leaderboardUpdate(redis, { board: 'b', player: 'p', points: Number.NaN }), /^leaderboardUpdate: 'points' must be a finite number, got NaN$/],
    ['a wrong type', () => acquireLock(redis, { lock: 'l', owner: 5 as never, ttlMs: 1 }), /^acquireLock: 'owner' must be a string, got the number 5$/],
    ['a value outside the literal union', () => enqueueJob(redis, { queue: '{q}', job: 1, priority: 'urgent' as never }), /^enqueueJob: 'priority' must be one of "high", "low", got the string "urgent"$/],
    ['an unknown field', () => releaseLock(redis, { lock: 'l', owner: 'o', ownr: 'typo' } as never), /^releaseLock: unknown field 'ownr' \(expected 'lock', 'owner'\)$/],
    ['a tagged key without a hash tag', () => enqueueJob(redis, { queue: 'jobs', job: 1, priority: 'low' }), /^enqueueJob: 'queue' must carry a non-empty \{hash tag\}/],
    ['a non-array variadic', () => sumCounters(redis, { counters: 'a' as never }), /^sumCounters: 'counters' must be an array, got the string "a"$/],
    ['a bad element of a variadic', () => sumCounters(redis, { counters: ['a', 3 as never] }), /^sumCounters: 'counters\[1\]' must be a string key, got the number 3$/],
    ['undefined json', () => idempotencyCheck(redis, { idem: 'i', pending: undefined, ttlSeconds: 1 }), /^idempotencyCheck: missing required field 'pending'$/],
    ['no params object', () => acquireLock(redis, null as never), /^acquireLock: expected one params object, got null$/],
  ];

  it.each(cases)('throws a TypeError for %s and sends nothing', async (_name, call, message) => {
    await redis.ping();
    const before = await scriptCalls();
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect(await scriptCalls()).toBe(before);
  });
});

describe('cluster specifics', () => {
  let redis: Cluster;
  beforeAll(() => {
    redis = cluster();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('throws CrossSlotError naming the keys before sending, instead of a server CROSSSLOT', async () => {
    const error = await sumCounters(redis, { counters: ['a', 'b'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossSlotError);
    expect((error as Error).message).toBe(
      'sumCounters: keys hash to different cluster slots (a -> 15495, b -> 3300); give them a common {hash tag} so they land in one slot',
    );
  });

  it('computes slots after the ioredis keyPrefix', async () => {
    const prefixed = cluster({ keyPrefix: `{${unique()}}:` });
    try {
      await prefixed.set('x', '1');
      await prefixed.set('y', '2');
      expect(await sumCounters(prefixed, { counters: ['x', 'y'] })).toBe(3);
    } finally {
      await prefixed.quit();
    }
  });

  it('runs no-writes scripts on replicas with EVALSHA_RO / EVAL_RO', async () => {
    const reader = cluster({ scaleReads: 'slave' });
    try {
      const profile = `profile:{${unique()}}`;
      await redis.hset(profile, 'name', 'Grace');
      await flushScripts(redis);
      // Wait until the write reached the replica of the slot's master.
      const owner = redis.slots[slotOf(profile)]?.[0] as string;
      const master = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner) as Redis;
      expect(await master.wait(1, 5000)).toBe(1);
      const result = await lookupProfile(reader, { profile });
      expect(result).toEqual({ name: 'Grace', _ttl: '-1' });
      let replicaCalls = 0;
      for (const port of clusterPorts()) {
        const direct = new Redis({ host: '127.0.0.1', port });
        const role = await direct.role();
        const info = await direct.info('commandstats');
        if (role[0] === 'slave') {
          for (const m of info.matchAll(/^cmdstat_(?:evalsha_ro|eval_ro):calls=(\d+)/gm)) replicaCalls += Number(m[1]);
        }
        await direct.quit();
      }
      expect(replicaCalls).toBeGreaterThan(0);
    } finally {
      await reader.quit();
    }
  });
});


describe('line mapping through the minified text, with real errors', () => {
  it('maps both the suffix line and the user_script:<n> inside the message', async () => {
    const { compile } = await import('../src/compile.js');
    const runtime = await import('../templates/runtime.js');
    const source = ['--- Fails on purpose.', '---@key k', '---@return integer', '', 'local n = redis.call("INCR", KEYS[1])', '-- a comment', '', 'if n > 0 then', '  error("boom " .. n)', 'end', 'return n', ''].join('\n');
    const model = compile(source, { path: 'scripts/boom.lua' }).model!;
    expect(model.lineMap).toBeDefined();
    const redis = standalone();
    try {
      const error = (await runtime.runScript(model as never, redis, { k: `boom:{${unique()}}` }).catch((e: unknown) => e)) as ScriptError;
      expect(error).toBeInstanceOf(runtime.ScriptError);
      expect(error.reply.message).toMatch(/^ERR user_script:\d+: boom 1 script: [0-9a-f]{40}, on @user_script:\d+\.$/);
      expect(error.reply.message).not.toContain('user_script:9');
      expect(error.line).toBe(9);
      expect(error.message).toBe('boom (scripts/boom.lua:9): ERR boom 1');
    } finally {
      await redis.quit();
    }
  });
});
