// The example's scripts through both call modes: the EVALSHA wrappers (src/generated) and the
// FCALL wrappers (src/generated-functions, "mode": "functions") run the same calls, on a real
// standalone server and a real Cluster, directly, in a pipeline and in a transaction, and
// must give identical results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import * as evalWrappers from '../generated-example/src/generated/index.js';
import * as fnWrappers from '../generated-example/src/generated-functions/index.js';
import { cluster, standalone } from './support/clients.js';

type Client = Redis | Cluster;
type Wrappers = typeof evalWrappers;

let run = 0;

/** Every example script once, then a pipeline and a transaction; keys under one fresh tag. */
async function scenario(w: Wrappers, redis: Client): Promise<unknown[]> {
  const tag = `{modes-${process.pid}-${Date.now()}-${run++}}`;
  const out: unknown[] = [];
  out.push(await w.slidingWindow(redis, { window: `rate:${tag}`, now: 1_000, windowMs: 60_000, limit: 1, requestId: 'a' }));
  out.push(await w.slidingWindow(redis, { window: `rate:${tag}`, now: 1_001, windowMs: 60_000, limit: 1, requestId: 'b' }));
  out.push(await w.acquireLock(redis, { lock: `lock:${tag}`, owner: 'me', ttlMs: 10_000 }));
  out.push(await w.acquireLock(redis, { lock: `lock:${tag}`, owner: 'you', ttlMs: 10_000 }));
  out.push(await w.releaseLock(redis, { lock: `lock:${tag}`, owner: 'me' }));
  out.push(await w.leaderboardUpdate(redis, { board: `board:${tag}`, player: 'ada', points: 1.5 }));
  out.push(await w.idempotencyCheck(redis, { idem: `idem:${tag}`, pending: { n: 1 }, ttlSeconds: 60 }));
  out.push(await w.idempotencyCheck(redis, { idem: `idem:${tag}`, pending: { n: 2 }, ttlSeconds: 60 }));
  await redis.hset(`profile:${tag}`, 'name', 'Ada');
  out.push(await w.lookupProfile(redis, { profile: `profile:${tag}` }));
  await redis.set(`c:${tag}:1`, '40');
  out.push(await w.sumCounters(redis, { counters: [`c:${tag}:1`, `c:${tag}:2`] }));
  out.push(await w.enqueueJob(redis, { queue: `jobs:${tag}`, job: { n: 1 }, priority: 'high' }));
  out.push(await w.legacyTouch(redis, { key1: `legacy:${tag}`, arg1: '5', arg2: '60' }));
  for (const chain of [redis.pipeline(), redis.multi()]) {
    const calls = [
      w.enqueueJob.queue(chain, { queue: `jobs:${tag}`, job: 'x', priority: 'low' }),
      w.leaderboardUpdate.queue(chain, { board: `board:${tag}`, player: 'ada', points: 2 }),
      w.lookupProfile.queue(chain, { profile: `profile:${tag}` }),
    ];
    await chain.exec();
    out.push(await Promise.all(calls));
  }
  const failed = await w.sumCounters(redis, { counters: [`jobs:${tag}`] }).catch((e: Error) => `${e.name}: ${e.message}`);
  out.push(failed);
  return out;
}

describe.each([
  ['standalone', () => standalone()],
  ['cluster', () => cluster()],
])('the example through EVALSHA and through FCALL on %s', (_kind, connect) => {
  let redis: Client;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('gives identical results, errors included', async () => {
    const viaEval = await scenario(evalWrappers, redis);
    const viaFunctions = await scenario(fnWrappers, redis);
    expect(viaFunctions).toEqual(viaEval);
    // The calls did go through FCALL: the libraries are there.
    expect(String(fnWrappers.slidingWindowScript.fn?.name)).toMatch(/^rlg_slidingWindow_/);
    expect(viaEval.at(-1)).toMatch(/^ScriptError: .*sum-counters\.lua:\d+/);
  });
});
