// Cluster faults provoked for real on a test cluster: move a slot (MOVED for a client whose
// slot map is stale), leave a slot half-migrated (ASK), fail a master over to its replica,
// add a master. Everything goes through plain connections to single nodes, asynchronously,
// so a load can keep running while it happens (the chaos benchmark relies on that).

import { Redis } from 'ioredis';
import { waitFor } from './redis-servers.js';

export interface NodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** The master's id, for a replica. */
  masterId: string | undefined;
  /** Owned slot ranges, inclusive (masters only). */
  slots: Array<[number, number]>;
}

const admins = new Map<number, Redis>();

/** A plain (non-cluster) connection to one node, reused until closeAdmins(). */
export function admin(port: number): Redis {
  let r = admins.get(port);
  if (!r) {
    r = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 3, lazyConnect: false });
    r.on('error', () => undefined);
    admins.set(port, r);
  }
  return r;
}

export async function closeAdmins(): Promise<void> {
  const all = [...admins.values()];
  admins.clear();
  await Promise.all(all.map((r) => r.quit().catch(() => r.disconnect())));
}

/** Runs an admin command, waiting while the node loads its data set (a replica resyncing after a failover). */
async function whenLoaded<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= 200 || !String(e).includes('LOADING')) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** CLUSTER NODES as seen by the node on `port`. */
export async function clusterNodes(port: number): Promise<NodeInfo[]> {
  const text = (await whenLoaded(() => admin(port).cluster('NODES'))) as string;
  return text
    .trim()
    .split('\n')
    .filter((l) => !l.includes('noaddr') && !l.includes('fail'))
    .map((line) => {
      const [id, addr, flags, master, , , , , ...slots] = line.split(' ');
      const nodePort = Number((addr as string).split('@')[0]!.split(':')[1]);
      return {
        id: id as string,
        port: nodePort,
        role: (flags as string).includes('master') ? ('master' as const) : ('replica' as const),
        masterId: master === '-' ? undefined : master,
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => {
            const [a, b] = s.split('-').map(Number) as [number, number | undefined];
            return [a, b ?? a] as [number, number];
          }),
      };
    });
}

export async function keySlot(port: number, key: string): Promise<number> {
  return (await whenLoaded(() => admin(port).cluster('KEYSLOT', key))) as number;
}

export async function ownerOf(port: number, slot: number): Promise<NodeInfo> {
  const owner = (await clusterNodes(port)).find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
  if (!owner) throw new Error(`no master owns slot ${slot}`);
  return owner;
}

export async function masters(port: number): Promise<NodeInfo[]> {
  return (await clusterNodes(port)).filter((n) => n.role === 'master');
}

/** Another master than the owner of `slot`. */
export async function otherMaster(port: number, slot: number): Promise<NodeInfo> {
  const owner = await ownerOf(port, slot);
  for (const n of await masters(port)) if (n.id !== owner.id && (await roleOf(n.port)).role === 'master') return n;
  throw new Error('the cluster has a single master');
}

async function migrateKeys(from: NodeInfo, to: NodeInfo, slot: number, only?: readonly string[]): Promise<void> {
  const src = admin(from.port);
  for (;;) {
    const keys = only ? [...only] : ((await src.cluster('GETKEYSINSLOT', slot, 200)) as string[]);
    if (keys.length === 0) return;
    await src.call('MIGRATE', '127.0.0.1', String(to.port), '', '0', '10000', 'REPLACE', 'KEYS', ...keys);
    if (only) return;
  }
}

/**
 * Starts moving `slot` to `to` and moves only `keys`: the slot stays MIGRATING on its owner and
 * IMPORTING on `to`, so a command for a moved key sent to the owner gets ASK. Returns the
 * function that finishes the move.
 */
export async function beginMigration(port: number, slot: number, to: NodeInfo, keys: readonly string[]): Promise<() => Promise<void>> {
  const from = await ownerOf(port, slot);
  await admin(to.port).cluster('SETSLOT', slot, 'IMPORTING', from.id);
  await admin(from.port).cluster('SETSLOT', slot, 'MIGRATING', to.id);
  await migrateKeys(from, to, slot, keys);
  return async () => {
    await migrateKeys(from, to, slot);
    await assignSlot(port, slot, from, to);
  };
}

/** The node's own word on its role (CLUSTER NODES of another node may lag behind a failover). */
export async function roleOf(port: number): Promise<{ role: 'master' | 'replica'; replicas: number[] }> {
  const reply = (await whenLoaded(() => admin(port).call('ROLE'))) as [string, ...unknown[]];
  if (reply[0] !== 'master') return { role: 'replica', replicas: [] };
  const replicas = (reply[2] as Array<[string, string, string]>).map((r) => Number(r[1]));
  return { role: 'master', replicas };
}

async function assignSlot(port: number, slot: number, from: NodeInfo, to: NodeInfo): Promise<void> {
  // The target first, then the source, then every other master (the order the Redis docs give).
  await admin(to.port).cluster('SETSLOT', slot, 'NODE', to.id);
  await admin(from.port).cluster('SETSLOT', slot, 'NODE', to.id);
  for (const m of await clusterNodes(port)) {
    if (m.id === to.id || m.id === from.id || (await roleOf(m.port)).role !== 'master') continue;
    await admin(m.port).cluster('SETSLOT', slot, 'NODE', to.id);
  }
  await waitFor(`slot ${slot} owned by ${to.port} everywhere`, async () => {
    const views = await Promise.all((await clusterNodes(port)).map(async (n) => (await ownerOf(n.port, slot)).id));
    return views.every((id) => id === to.id);
  });
}

/** Moves `slot` with its keys from its owner to `to`, and tells every master. */
export async function moveSlot(port: number, slot: number, to: NodeInfo): Promise<void> {
  const finish = await beginMigration(port, slot, to, []);
  await finish();
}

/**
 * Fails the master that owns `slot` over to one of its replicas with CLUSTER FAILOVER, and
 * waits until every node agrees. Returns the new master.
 */
export async function failover(port: number, slot: number): Promise<NodeInfo> {
  const master = await ownerOf(port, slot);
  const replicaPort = (await roleOf(master.port)).replicas[0];
  const replica = (await clusterNodes(port)).find((n) => n.port === replicaPort);
  if (!replica) throw new Error(`master ${master.port} has no replica`);
  const promoted = async (): Promise<boolean> => {
    const views = await Promise.all((await clusterNodes(port)).map(async (n) => (await ownerOf(n.port, slot)).port));
    return views.every((p) => p === replica.port);
  };
  // A manual failover aborts silently when the replica cannot catch up in time: ask again.
  for (let attempt = 1; ; attempt++) {
    await admin(replica.port).cluster('FAILOVER');
    try {
      await waitFor(`replica ${replica.port} promoted`, promoted, 10000);
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  await waitFor('the old master follows the new one', async () => {
    const info = (await admin(master.port).info('replication')) as string;
    return info.includes('role:slave') && info.includes('master_link_status:up');
  });
  await waitForSettled(port);
  return { ...replica, role: 'master' };
}

/** Waits until every node's CLUSTER SLOTS lists every node, so a new client learns them all. */
export async function waitForSettled(port: number): Promise<void> {
  await waitFor(
    'every node listed in every CLUSTER SLOTS',
    async () => {
      const nodes = await clusterNodes(port);
      const views = await Promise.all(
        nodes.map(async (n) => {
          const slots = await whenLoaded(() => admin(n.port).cluster('SLOTS'));
          return new Set(slots.flatMap(([, , ...owners]) => owners.map((o) => o[1])));
        }),
      );
      return views.every((listed) => nodes.every((n) => listed.has(n.port)));
    },
    30000,
  );
}

/** Adds the empty node on `newPort` to the cluster as a master owning no slots. */
export async function addMaster(port: number, newPort: number): Promise<NodeInfo> {
  await admin(newPort).cluster('MEET', '127.0.0.1', port);
  let id = '';
  await waitFor(`node ${newPort} known to every node`, async () => {
    const self = (await clusterNodes(newPort)).find((n) => n.port === newPort);
    id = self?.id ?? '';
    const views = await Promise.all((await clusterNodes(port)).map(async (n) => (await clusterNodes(n.port)).some((m) => m.id === id)));
    return id !== '' && views.every(Boolean);
  });
  // It serves nothing (MIGRATE to it answers CLUSTERDOWN) until it has learned every slot's owner.
  await waitFor(`node ${newPort} sees the cluster ok`, async () => ((await admin(newPort).cluster('INFO')) as string).includes('cluster_state:ok'));
  return { id, port: newPort, role: 'master', masterId: undefined, slots: [] };
}

/** The ledger hash the test scripts write (call id -> times run), read on the master of its slot. */
export async function ledgerOf(port: number, log: string): Promise<Record<string, string>> {
  return admin((await ownerOf(port, await keySlot(port, log))).port).hgetall(log);
}

/** Provokes a fault for the slot of `log` (its `${log}:echo` key too); returns what ends it. */
export type Fault = (seed: number, log: string, slot: number) => Promise<() => Promise<void>>;

/** The faults batches are run across in the fault tests. */
export const FAULTS = {
  /** The slot moved to another master while the client's map is stale: MOVED. */
  moved: (async (seed, _log, slot) => {
    await moveSlot(seed, slot, await otherMaster(seed, slot));
    return async () => undefined;
  }) as Fault,
  /** The slot half-migrated with both keys already moved: ASK for each. */
  asked: (async (seed, log, slot) => {
    await admin((await ownerOf(seed, slot)).port).set(`${log}:echo`, 'before');
    return beginMigration(seed, slot, await otherMaster(seed, slot), [log, `${log}:echo`]);
  }) as Fault,
  /** The slot half-migrated with one key moved: ASK, then TRYAGAIN for a call that spans both. */
  split: (async (seed, log, slot) => {
    await admin((await ownerOf(seed, slot)).port).set(`${log}:echo`, 'before');
    const finish = await beginMigration(seed, slot, await otherMaster(seed, slot), [log]);
    const finished = new Promise<void>((resolve, reject) => setTimeout(() => finish().then(resolve, reject), 300));
    return () => finished;
  }) as Fault,
  /** The slot's master failed over to its replica. */
  failedOver: (async (seed, _log, slot) => {
    await failover(seed, slot);
    return async () => undefined;
  }) as Fault,
};
