// The node-redis runtime on a real Redis Cluster (3 masters, 3 replicas) that this file starts
// for itself, under the faults node-redis meets: a slot moved while the client's slot map is
// stale (MOVED), a slot half-migrated (ASK), a master failed over to its replica. Every queued
// call must settle, never be reported as done when it did not run, and equal its own exec()
// row; a ledger hash the script writes proves what ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster } from 'redis';
import { queueScript, runScript } from '../templates/runtime-node-redis.js';
import { startCluster, type StartedCluster } from './support/redis-servers.js';
import { admin, closeAdmins, FAULTS, keySlot, ledgerOf, moveSlot, otherMaster, type Fault } from './support/cluster-admin.js';
import { ECHO, LEDGER } from './support/specs.js';
import { settledWithin } from './support/settle.js';

let cluster: StartedCluster;
let seed: number;
const clients: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 1 });
  seed = cluster.ports[0] as number;
}, 90000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await closeAdmins();
  await cluster?.stop();
});

const connect = async () => {
  const c = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: seed } }] });
  clients.push(c);
  await c.connect();
  return c;
};

let run = 0;
const unique = () => `nrf${process.pid}-${Date.now()}-${run++}`;

/**
 * Queues four ledger calls and one echo on a multi(), provokes `fault`, runs it with exec() or
 * execAsPipeline(). Always: every promise settles; a fulfilled one equals its own row and its
 * call ran exactly once; in a transaction a rejected one did not run. `retried`: node-redis
 * recovers this fault by itself, so every call must be fulfilled.
 */
async function batchAcrossFault(kind: 'pipeline' | 'transaction', retried: boolean, fault: Fault): Promise<void> {
  const client = await connect();
  const log = `log:{${unique()}}`;
  const slot = await keySlot(seed, log);
  expect(await runScript(LEDGER, client, { log, id: 'warm' })).toBe(1); // the client now routes this slot
  const done = await fault(seed, log, slot);
  const multi = client.multi();
  const ids = ['a', 'b', 'c', 'd'];
  const calls = ids.map((id) => queueScript<number>(LEDGER, multi, { log, id }));
  const echoed = queueScript<string>(ECHO, multi, { k: `${log}:echo`, v: 'hello' });
  const rows = await (kind === 'pipeline' ? multi.execAsPipeline() : multi.exec()).catch((e: unknown) => e as Error);
  const settled = await Promise.all([...calls, echoed].map((p) => settledWithin<unknown>(p, 5000)));
  await done();
  const ledger = await ledgerOf(seed, log);
  if (retried) {
    expect(rows).toEqual([1, 1, 1, 1, 'hello']);
    expect(settled).toEqual([...ids.map(() => ({ status: 'fulfilled', value: 1 })), { status: 'fulfilled', value: 'hello' }]);
  }
  settled.forEach((s, i) => {
    expect(s).not.toBe('pending');
    if (s === 'pending') return;
    if (s.status === 'fulfilled') {
      if (Array.isArray(rows)) expect(rows[i]).toEqual(s.value);
      if (i < ids.length) expect(ledger[ids[i]!], ids[i]).toBe('1');
    } else if (kind === 'transaction' && i < ids.length) {
      expect(ledger[ids[i]!], ids[i]).toBeUndefined();
    } else if (kind === 'pipeline') {
      expect(String(s.reason)).toContain('whether this call ran is unknown');
    }
  });
  expect(ledger['warm']).toBe('1');
}

describe.each(['pipeline', 'transaction'] as const)('node-redis %s across a cluster fault', (kind) => {
  // node-redis follows MOVED for a transaction (exec) but not for execAsPipeline(), which
  // throws the MOVED of its first command: then no call may be reported done.
  const followsMoved = kind === 'transaction';

  it('a slot moved while the slot map is stale (MOVED): every call settles, with its own reply where node-redis retries', async () => {
    await batchAcrossFault(kind, followsMoved, FAULTS.moved);
  });

  it('a slot half-migrated, its keys moved (ASK): every call settles, none reported done without running', async () => {
    await batchAcrossFault(kind, false, FAULTS.asked);
  });

  it('a slot half-migrated, one key moved (ASK, then TRYAGAIN): every call settles, none reported done without running', async () => {
    await batchAcrossFault(kind, false, FAULTS.split);
  });

  it('the master failed over to its replica: every call settles, with its own reply where node-redis retries', async () => {
    await batchAcrossFault(kind, followsMoved, FAULTS.failedOver);
  }, 60000);
});

describe('node-redis direct calls across cluster faults', () => {
  it('a slot moved, then NOSCRIPT on the new owner: the call loads the script there and runs once', async () => {
    const client = await connect();
    const log = `log:{${unique()}}`;
    const slot = await keySlot(seed, log);
    expect(await runScript(LEDGER, client, { log, id: 'warm' })).toBe(1);
    const target = await otherMaster(seed, slot);
    await moveSlot(seed, slot, target);
    await admin(target.port).script('FLUSH');
    expect(await runScript(LEDGER, client, { log, id: 'after-move' })).toBe(1);
    expect(await ledgerOf(seed, log)).toEqual({ warm: '1', 'after-move': '1' });
  });
});
