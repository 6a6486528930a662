// The runtime on a real Redis Cluster (3 masters, 3 replicas) that this file starts for
// itself, under the faults ioredis recovers from: a slot moved while the client's slot map
// is stale (MOVED), a slot half-migrated (ASK), a master failed over to its replica. Every
// wrapper promise must settle once with what its command really did, which a ledger hash
// written by the script proves: an acknowledged call ran exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, ClusterOptions } from 'ioredis';
import { IOREDIS, type IoredisLib } from './support/ioredis-versions.js';
import { CrossSlotError, loadScripts, queueScript, runScript } from '../templates/runtime.js';
import { startCluster, type StartedCluster } from './support/redis-servers.js';
import {
  addMaster,
  admin,
  closeAdmins,
  clusterNodes,
  failover,
  FAULTS,
  keySlot,
  ledgerOf,
  moveSlot,
  otherMaster,
  ownerOf,
  waitForSettled,
  type Fault,
  type NodeInfo,
} from './support/cluster-admin.js';
import { audit, ioredisCaller, MODES, reshard, runLoad, slotWithReplica } from './support/chaos.js';
import { rng } from './support/lua-gen.js';
import { ECHO, LEDGER } from './support/specs.js';
import { settledWithin } from './support/settle.js';

let cluster: StartedCluster;
let seed: number;
/** The ioredis major of the block that runs. */
let lib: IoredisLib;
const clients: Cluster[] = [];

beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 1 });
  seed = cluster.ports[0] as number;
}, 90000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await closeAdmins();
  await cluster?.stop();
});

/** A client whose slot map stays stale until a redirection tells it otherwise. */
async function staleClient(options: ClusterOptions = {}): Promise<Cluster> {
  const c = new lib.Cluster([{ host: '127.0.0.1', port: seed }], {
    slotsRefreshInterval: 600000,
    redisOptions: { maxRetriesPerRequest: 1 },
    ...options,
  });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('ready', resolve);
    c.once('error', reject);
  });
  return c;
}

let run = 0;
const unique = () => `f${process.pid}-${Date.now()}-${run++}`;

type Chain = ReturnType<Cluster['pipeline']>;

/**
 * Queues four ledger calls and one echo on a batch, provokes `fault`, runs the batch. Always:
 * each wrapper promise equals its own exec() row (or exec()'s rejection), every acknowledged
 * call ran exactly once and every failed one did not run. `retried`: ioredis recovers this
 * fault by itself, so every call must be acknowledged.
 */
async function batchAcrossFault(
  kind: 'pipeline' | 'multi',
  retried: boolean,
  fault: Fault,
): Promise<void> {
  const client = await staleClient();
  const log = `log:{${unique()}}`;
  const slot = await keySlot(seed, log);
  expect(await runScript(LEDGER, client, { log, id: 'warm' })).toBe(1); // the client now routes this slot
  const done = await fault(seed, log, slot);
  const chain: Chain = kind === 'pipeline' ? client.pipeline() : client.multi();
  const ids = ['a', 'b', 'c', 'd'];
  const calls = ids.map((id) => queueScript<number>(LEDGER, chain, { log, id }));
  const echoed = queueScript<string>(ECHO, chain, { k: `${log}:echo`, v: 'hello' });
  const rows = await chain.exec().catch((e: unknown) => e as Error);
  const settled = await Promise.all([...calls, echoed].map((p) => settledWithin<unknown>(p, 5000)));
  await done();
  const ledger = await ledgerOf(seed, log);
  if (retried) {
    expect(rows).toEqual([...ids.map(() => [null, 1]), [null, 'hello']]);
    expect(settled).toEqual([...ids.map(() => ({ status: 'fulfilled', value: 1 })), { status: 'fulfilled', value: 'hello' }]);
  }
  settled.forEach((s, i) => {
    expect(s).not.toBe('pending');
    const own = rows instanceof Error ? [rows, undefined] : (rows as Array<[Error | null, unknown]>)[i]!;
    if (s !== 'pending' && s.status === 'fulfilled') expect(own).toEqual([null, s.value]);
    else expect(String((s as PromiseRejectedResult).reason)).toContain((own[0] as Error).message);
    if (i < ids.length) expect(ledger[ids[i]!], ids[i]).toBe(s !== 'pending' && s.status === 'fulfilled' ? '1' : undefined);
  });
  expect(ledger['warm']).toBe('1');
}

describe.each(IOREDIS)('with %s', (_version, version) => {
  beforeAll(() => {
    lib = version;
  });
  faultSuites();
});

function faultSuites(): void {
  describe.each(['pipeline', 'multi'] as const)('%s across a cluster fault', (kind) => {
    it('a slot moved while the slot map is stale (MOVED): every call settles with its own reply', async () => {
      await batchAcrossFault(kind, true, FAULTS.moved);
    });

    it('a slot half-migrated, its keys moved (ASK): every call settles with its own reply', async () => {
      await batchAcrossFault(kind, true, FAULTS.asked);
    });

    it('a slot half-migrated, one key moved (ASK, then TRYAGAIN): each call is told what happened to it', async () => {
      await batchAcrossFault(kind, false, FAULTS.split);
    });

    it('the master failed over to its replica: every call settles with its own reply', async () => {
      await batchAcrossFault(kind, true, FAULTS.failedOver);
    }, 60000);
  });

  describe('direct calls across cluster faults', () => {
    it('recovers NOSCRIPT that ioredis reports as "Too many Cluster redirections"', async () => {
      const client = await staleClient({ maxRedirections: 1 });
      const log = `log:{${unique()}}`;
      const slot = await keySlot(seed, log);
      expect(await runScript(LEDGER, client, { log, id: 'warm' })).toBe(1);
      const target = await otherMaster(seed, slot);
      await moveSlot(seed, slot, target);
      await admin(target.port).script('FLUSH');
      // MOVED, then NOSCRIPT on the new owner: ioredis' redirection budget of 1 is spent.
      expect(await runScript(LEDGER, client, { log, id: 'after-move' })).toBe(1);
      expect(await ledgerOf(seed, log)).toEqual({ warm: '1', 'after-move': '1' });
    });

    it('after a failover, the next NOSCRIPT on the new master loads the script with SCRIPT LOAD', async () => {
      const client = await staleClient();
      const log = `log:{${unique()}}`;
      const slot = await keySlot(seed, log);
      expect(await runScript(LEDGER, client, { log, id: 'before' })).toBe(1);
      const promoted = await failover(seed, slot);
      await admin(promoted.port).script('FLUSH');
      await admin(promoted.port).config('RESETSTAT');
      expect(await runScript(LEDGER, client, { log, id: 'after' })).toBe(1);
      const stats = (await admin(promoted.port).info('commandstats')) as string;
      expect(stats).toMatch(/cmdstat_script\|load:calls=1,/);
      expect(stats).not.toMatch(/cmdstat_eval:/);
      expect(await admin(promoted.port).script('EXISTS', LEDGER.sha)).toEqual([1]);
    }, 60000);

    it('keys {}{z}1 and {}{z}2 hash to different slots: CrossSlotError before anything is sent', async () => {
      const client = await staleClient();
      const two = { ...LEDGER, keys: [{ name: 'a' }, { name: 'b' }] };
      expect(await keySlot(seed, '{}{z}1')).not.toBe(await keySlot(seed, '{}{z}2'));
      const before = await evalCalls();
      await expect(runScript(two, client, { a: '{}{z}1', b: '{}{z}2', id: 'x' })).rejects.toBeInstanceOf(CrossSlotError);
      expect(await evalCalls()).toBe(before);
    });
  });

  async function evalCalls(): Promise<number> {
    let total = 0;
    for (const node of await clusterNodes(seed)) {
      const stats = (await admin(node.port).info('commandstats')) as string;
      for (const m of stats.matchAll(/cmdstat_eval\w*:calls=(\d+)/g)) total += Number(m[1]);
    }
    return total;
  }

  describe('batches that ioredis rejects as a whole', () => {
    it('a pipeline holding calls for two slot groups: exec() rejects and so does every wrapper promise', async () => {
      const client = await staleClient();
      const first = `log:{${unique()}}`;
      const slot = await keySlot(seed, first);
      let second = `log:{${unique()}}`;
      while ((await ownerOf(seed, await keySlot(seed, second))).id === (await ownerOf(seed, slot)).id) second = `log:{${unique()}}`;
      const pipe = client.pipeline();
      const a = queueScript<number>(LEDGER, pipe, { log: first, id: 'a' });
      const b = queueScript<number>(LEDGER, pipe, { log: second, id: 'b' });
      await expect(pipe.exec()).rejects.toThrow(/same slots allocation group/);
      const settled = await Promise.all([a, b].map((p) => settledWithin(p, 3000)));
      for (const s of settled) {
        expect(s).not.toBe('pending');
        expect((s as PromiseRejectedResult).reason).toBeInstanceOf(Error);
        expect(String((s as PromiseRejectedResult).reason)).toMatch(/same slots allocation group/);
      }
    });
  });

  describe('loadScripts on a Cluster', () => {
    it('right after new lib.Cluster(): waits for ready, then loads every master and replica', async () => {
      for (const port of cluster.ports) await admin(port).script('FLUSH');
      const client = new lib.Cluster([{ host: '127.0.0.1', port: seed }], { redisOptions: { maxRetriesPerRequest: 1 } });
      clients.push(client);
      await loadScripts(client, [LEDGER, ECHO]);
      for (const port of cluster.ports) expect(await admin(port).script('EXISTS', LEDGER.sha, ECHO.sha), `node ${port}`).toEqual([1, 1]);
    });

    it('rejects clearly when the cluster never becomes ready', async () => {
      const client = new lib.Cluster([{ host: '127.0.0.1', port: 1 }], { clusterRetryStrategy: () => 100 });
      client.on('error', () => undefined);
      clients.push(client);
      await expect(loadScripts(client, [LEDGER], { timeoutMs: 500 })).rejects.toThrow(/not ready after 500 ms/);
    });
  });

  // A short, seeded slice of `npm run chaos`: the same load and ledger audit, smaller. Last in
  // this file because it adds a master to the cluster.
  describe('chaos slice: calls in every mode while slots move and a master fails over', () => {
    const tags = Array.from({ length: 50 }, (_, i) => `c${i}`);
    const random = rng(20261201);

    it.each(MODES)(
      '%s during a reshard of 100 slots to a new master, then a failover',
      async (mode) => {
        const client = await staleClient({ slotsRefreshInterval: 5000 });
        const joined = await joinedMaster();
        const moving = reshard(seed, joined.id, 100);
        const during = await runLoad(ioredisCaller(client), { mode, minCalls: 1500, until: moving, tags, random, run: `slice-${mode}-${unique()}` });
        await moving;
        await waitForSettled(seed);
        const busy = await slotWithReplica(seed, tags, random);
        const failing = failover(seed, busy);
        const across = await runLoad(ioredisCaller(client), { mode, minCalls: 1500, until: failing, tags, random, run: `slice-fo-${mode}-${unique()}` });
        await failing;
        const result = await audit(ioredisCaller(client), [...during, ...across]);
        expect({ unknown: result.unknown, phantom: result.phantom, lost: result.lost, doubled: result.doubled, wrongReply: result.wrongReply }).toEqual({
          unknown: 0,
          phantom: 0,
          lost: 0,
          doubled: 0,
          wrongReply: 0,
        });
        expect(result.acknowledged).toBeGreaterThan(0);
      },
      120000,
    );
  });
}

let joined: NodeInfo | undefined;
async function joinedMaster(): Promise<NodeInfo> {
  joined ??= await addMaster(seed, await cluster.spawnNode());
  return joined;
}
