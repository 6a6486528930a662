// The example's scripts through every client and call mode: ioredis EVALSHA (src/generated),
// ioredis FCALL (src/generated-functions), node-redis EVALSHA (src/generated-node-redis) and
// node-redis FCALL (src/generated-node-redis-functions) run the same calls, on a real
// standalone server and a real Cluster, directly, in a pipeline and in a transaction, and must
// give identical results. node-redis runs with RESP3 (its default) and with RESP2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createClient, createCluster } from 'redis';
import * as evalWrappers from '../generated-example/src/generated/index.js';
import * as fnWrappers from '../generated-example/src/generated-functions/index.js';
import * as nrEvalWrappers from '../generated-example/src/generated-node-redis/index.js';
import * as nrFnWrappers from '../generated-example/src/generated-node-redis-functions/index.js';
import { cluster, standalone } from './support/clients.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- one scenario for wrappers typed for two clients */
type AnyWrappers = Record<string, any>;

/** What the scenario needs of a client besides the wrappers. */
interface Driver {
  client: unknown;
  hset(key: string, field: string, value: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  /** A pipeline and a transaction: queue on `chain`, then `run()` it. */
  batches(): Array<{ chain: unknown; run(): Promise<unknown> }>;
  close(): Promise<unknown>;
}

let run = 0;

/** Every example script directly (errors included), then every script queued in a pipeline and in a transaction; keys under one fresh tag. */
async function scenario(w: AnyWrappers, d: Driver): Promise<unknown[]> {
  const tag = `{modes-${process.pid}-${Date.now()}-${run++}}`;
  const redis = d.client;
  const out: unknown[] = [];
  out.push(await w.slidingWindow(redis, { window: `rate:${tag}`, now: 1_000, windowMs: 60_000, limit: 1, requestId: 'a' }));
  out.push(await w.slidingWindow(redis, { window: `rate:${tag}`, now: 1_001, windowMs: 60_000, limit: 1, requestId: 'b' }));
  out.push(await w.acquireLock(redis, { lock: `lock:${tag}`, owner: 'me', ttlMs: 10_000 }));
  out.push(await w.acquireLock(redis, { lock: `lock:${tag}`, owner: 'you', ttlMs: 10_000 }));
  out.push(await w.releaseLock(redis, { lock: `lock:${tag}`, owner: 'me' }));
  out.push(await w.leaderboardUpdate(redis, { board: `board:${tag}`, player: 'ada', points: 1.5 }));
  out.push(await w.idempotencyCheck(redis, { idem: `idem:${tag}`, pending: { n: 1 }, ttlSeconds: 60 }));
  out.push(await w.idempotencyCheck(redis, { idem: `idem:${tag}`, pending: { n: 2 }, ttlSeconds: 60 }));
  await d.hset(`profile:${tag}`, 'name', 'Ada');
  out.push(await w.lookupProfile(redis, { profile: `profile:${tag}` }));
  await d.set(`c:${tag}:1`, '40');
  out.push(await w.sumCounters(redis, { counters: [`c:${tag}:1`, `c:${tag}:2`] }));
  out.push(await w.enqueueJob(redis, { queue: `jobs:${tag}`, job: { n: 1 }, priority: 'high' }));
  out.push(await w.legacyTouch(redis, { key1: `legacy:${tag}`, arg1: '5', arg2: '60' }));
  for (const now of [0, 100, 250, 5_000]) {
    out.push(await w.tokenBucket(redis, { bucket: `bucket:${tag}`, capacity: 3, perSecond: 2.5, now, cost: 2 }));
  }
  out.push(await w.fixedWindow(redis, { counter: `window:${tag}`, windowSeconds: 60 }));
  out.push(await w.fixedWindow(redis, { counter: `window:${tag}`, windowSeconds: 60 }));
  out.push(await w.acquireLock(redis, { lock: `lock2:${tag}`, owner: 'me', ttlMs: 10_000 }));
  out.push(await w.extendLock(redis, { lock: `lock2:${tag}`, owner: 'you', ttlMs: 20_000 }));
  out.push(await w.extendLock(redis, { lock: `lock2:${tag}`, owner: 'me', ttlMs: 20_000 }));
  for (const holder of ['a', 'b', 'c', 'a']) {
    out.push(await w.semaphoreAcquire(redis, { holders: `sem:${tag}`, holder, limit: 2, now: 1_000, ttlMs: 500 }));
  }
  out.push(await w.semaphoreAcquire(redis, { holders: `sem:${tag}`, holder: 'c', limit: 2, now: 2_000, ttlMs: 500 }));
  out.push(await w.dequeueJob(redis, { queue: `jobs:${tag}`, processing: `working:${tag}` }));
  out.push(await w.dequeueJob(redis, { queue: `empty:${tag}`, processing: `working:${tag}` }));
  out.push(await w.getOrSet(redis, { entry: `cache:${tag}`, fallback: 'computed', ttlMs: 60_000 }));
  out.push(await w.getOrSet(redis, { entry: `cache:${tag}`, fallback: 'other', ttlMs: 60_000 }));
  for (const by of [4, 5, 1]) out.push(await w.cappedIncr(redis, { counters: `caps:${tag}`, field: 'f', by, cap: 8 }));
  out.push(await w.dedupeAdd(redis, { seen: `seen:${tag}`, id: 'x', ttlSeconds: 60 }));
  out.push(await w.dedupeAdd(redis, { seen: `seen:${tag}`, id: 'x', ttlSeconds: 60 }));
  await w.leaderboardUpdate(redis, { board: `board:${tag}`, player: 'bo', points: 7 });
  out.push(await w.leaderboardTop(redis, { board: `board:${tag}`, count: 5 }));
  out.push(await w.appendEvent(redis, { stream: `events:${tag}`, id: '5-1', kind: 'created', body: { n: 1 }, maxLen: 100 }));
  out.push(await w.appendEvent(redis, { stream: `events:${tag}`, id: '4-1', kind: 'late', body: null, maxLen: 100 }).catch((e: Error) => `${e.name}: ${e.message}`));
  out.push(await w.setFields(redis, { record: `rec:${tag}`, pairs: ['name', 'Ada', 'role', 'admin'] }));
  out.push(await w.setFields(redis, { record: `rec:${tag}`, pairs: ['odd'] }).catch((e: Error) => `${e.name}: ${e.message}`));
  // Every script once in a pipeline and once in a transaction (no call fails there: node-redis'
  // execAsPipeline() returns no reply at all when one command fails).
  for (const [b, { chain, run: exec }] of d.batches().entries()) {
    const calls = [
      w.slidingWindow.queue(chain, { window: `rate:${tag}`, now: 90_000, windowMs: 60_000, limit: 5, requestId: `q${b}` }),
      w.acquireLock.queue(chain, { lock: `lock3:${tag}`, owner: `o${b}`, ttlMs: 10_000 }),
      w.extendLock.queue(chain, { lock: `lock3:${tag}`, owner: 'o0', ttlMs: 20_000 }),
      w.releaseLock.queue(chain, { lock: `lock3:${tag}`, owner: 'o1' }),
      w.tokenBucket.queue(chain, { bucket: `bucket:${tag}`, capacity: 3, perSecond: 2.5, now: 9_000 + b, cost: 1 }),
      w.fixedWindow.queue(chain, { counter: `window:${tag}`, windowSeconds: 60 }),
      w.semaphoreAcquire.queue(chain, { holders: `sem:${tag}`, holder: `h${b}`, limit: 2, now: 3_000, ttlMs: 500 }),
      w.enqueueJob.queue(chain, { queue: `jobs:${tag}`, job: 'x', priority: 'low' }),
      w.dequeueJob.queue(chain, { queue: `jobs:${tag}`, processing: `working:${tag}` }),
      w.idempotencyCheck.queue(chain, { idem: `idem:${tag}`, pending: { n: 3 }, ttlSeconds: 60 }),
      w.leaderboardUpdate.queue(chain, { board: `board:${tag}`, player: 'ada', points: 2 }),
      w.leaderboardTop.queue(chain, { board: `board:${tag}`, count: 1 }),
      w.lookupProfile.queue(chain, { profile: `profile:${tag}` }),
      w.sumCounters.queue(chain, { counters: [`c:${tag}:1`, `c:${tag}:2`] }),
      w.legacyTouch.queue(chain, { key1: `legacy:${tag}`, arg1: '1', arg2: '60' }),
      w.getOrSet.queue(chain, { entry: `cache:${tag}`, fallback: 'late', ttlMs: 60_000 }),
      w.cappedIncr.queue(chain, { counters: `caps:${tag}`, field: 'g', by: 2, cap: 3 }),
      w.dedupeAdd.queue(chain, { seen: `seen:${tag}`, id: `y${b}`, ttlSeconds: 60 }),
      w.appendEvent.queue(chain, { stream: `events:${tag}`, id: `${10 + b}-1`, kind: 'batched', body: [b], maxLen: 100 }),
      w.setFields.queue(chain, { record: `rec:${tag}`, pairs: ['batch', String(b)] }),
    ];
    await exec();
    out.push(await Promise.all(calls));
  }
  const failed = await w.sumCounters(redis, { counters: [`working:${tag}`] }).catch((e: Error) => `${e.name}: ${e.message}`);
  out.push(failed);
  return out;
}

function ioredisDriver(client: any): Driver {
  return {
    client,
    hset: (k, f, v) => client.hset(k, f, v),
    set: (k, v) => client.set(k, v),
    batches: () => [client.pipeline(), client.multi()].map((chain) => ({ chain, run: () => chain.exec() })),
    close: () => client.quit(),
  };
}

async function nodeRedisDriver(kind: 'standalone' | 'cluster', RESP: 2 | 3): Promise<Driver> {
  const client: any =
    kind === 'standalone'
      ? createClient({ socket: { host: '127.0.0.1', port: inject('redisStandalonePort') }, RESP })
      : createCluster({ rootNodes: inject('redisClusterPorts').map((port) => ({ socket: { host: '127.0.0.1', port } })), RESP });
  await client.connect();
  return {
    client,
    hset: (k, f, v) => client.hSet(k, f, v),
    set: (k, v) => client.set(k, v),
    batches: () => {
      const pipeline = client.multi();
      const transaction = client.multi();
      return [
        { chain: pipeline, run: () => pipeline.execAsPipeline() },
        { chain: transaction, run: () => transaction.exec() },
      ];
    },
    close: () => client.close(),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe.each([
  ['standalone', () => standalone()],
  ['cluster', () => cluster()],
] as const)('the example through every client and call mode on %s', (kind, connect) => {
  const drivers: Driver[] = [];
  let io: Driver;
  beforeAll(() => {
    io = ioredisDriver(connect());
    drivers.push(io);
  });
  afterAll(async () => {
    for (const d of drivers) await d.close();
  });

  let viaEval: unknown[];
  beforeAll(async () => {
    viaEval = await scenario(evalWrappers, io);
  });

  it('ioredis: EVALSHA and FCALL give identical results, errors included', async () => {
    const viaFunctions = await scenario(fnWrappers, io);
    expect(viaFunctions).toEqual(viaEval);
    expect(String(fnWrappers.slidingWindowScript.fn?.name)).toMatch(/^rlg_slidingWindow_/);
    expect(viaEval.at(-1)).toMatch(/^ScriptError: .*sum-counters\.lua:\d+/);
  });

  it.each([
    ['EVALSHA', 3],
    ['EVALSHA', 2],
    ['FCALL', 3],
    ['FCALL', 2],
  ] as const)('node-redis %s with RESP%d gives what ioredis EVALSHA gives', async (call, resp) => {
    const d = await nodeRedisDriver(kind, resp);
    drivers.push(d);
    const got = await scenario(call === 'EVALSHA' ? nrEvalWrappers : nrFnWrappers, d);
    expect(got).toEqual(viaEval);
  });
});
