// Chaos benchmark: wrapper calls in every mode (direct, pipeline x100, multi x20), through
// ioredis and through node-redis, while the faults a production deployment meets happen for
// real, each call recorded in a ledger hash, then every outcome audited against the ledger
// (test/support/chaos.ts):
//   - SCRIPT FLUSH in a loop, on a standalone server and on every node of a Cluster;
//   - a reshard of 1,000 slots to a master that joined (redis-cli --cluster reshard);
//   - a manual failover of a master to its replica (CLUSTER FAILOVER).
// Goal: 0 phantom failures, 0 lost, 0 doubled, 0 wrong replies. The exit code is 1 otherwise.
// Calls node-redis reports with no outcome (execAsPipeline() after an error) are counted apart.
//
// Run: npm run chaos [-- --calls 100000 --seed 1 --client ioredis|node-redis]
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { startCluster, startStandalone, type StartedCluster } from '../test/support/redis-servers.js';
import { addMaster, admin, closeAdmins, clusterNodes, failover, waitForSettled } from '../test/support/cluster-admin.js';
import {
  AUDIT_HEADER,
  audit,
  auditRow,
  flushLoop,
  ioredisCaller,
  MODES,
  nodeRedisCaller,
  reshard,
  runLoad,
  slotWithReplica,
  type Audit,
  type Caller,
  type Mode,
} from '../test/support/chaos.js';
import { rng } from '../test/support/lua-gen.js';
import { flag, numberOption } from './options.js';

const CALLS = numberOption('calls', 100_000);
const SEED = numberOption('seed', 1);
const TAGS = Array.from({ length: 1000 }, (_, i) => `t${i}`);
const random = rng(SEED);
const clientArg = process.argv.indexOf('--client');
const CLIENTS = clientArg > 0 ? [process.argv[clientArg + 1] as string] : ['ioredis', 'node-redis'];
const rows: string[] = [];
let bad = 0;

function report(fault: string, mode: Mode, a: Audit): void {
  const row = auditRow(fault, mode, a);
  rows.push(row);
  console.log(row);
  bad += a.phantom + a.lost + a.doubled + a.wrongReply;
}

async function underFlush(fault: string, caller: Caller, nodes: Redis[]): Promise<void> {
  for (const mode of MODES) {
    let stop = false;
    const flushes = flushLoop(nodes, () => stop);
    const outcomes = await runLoad(caller, { mode, minCalls: CALLS, until: Promise.resolve(), tags: TAGS, random, run: `${fault}-${mode}-${Date.now()}` });
    stop = true;
    console.error(`  ${fault}, ${mode}: ${await flushes} flush rounds`);
    report(fault, mode, await audit(caller, outcomes));
  }
}

/** A standalone caller and a cluster caller of one client library, and how to close them. */
async function callers(client: string, standalonePort: number, seed: number): Promise<{ single: Caller; cluster: Caller; close(): Promise<void> }> {
  if (client === 'ioredis') {
    const single = new Redis({ host: '127.0.0.1', port: standalonePort });
    const cluster = new Cluster([{ host: '127.0.0.1', port: seed }]);
    cluster.on('error', () => undefined);
    return { single: ioredisCaller(single), cluster: ioredisCaller(cluster), close: async () => (single.disconnect(), cluster.disconnect()) };
  }
  const single = createClient({ socket: { host: '127.0.0.1', port: standalonePort } });
  const cluster = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: seed } }] });
  single.on('error', () => undefined);
  cluster.on('error', () => undefined);
  await Promise.all([single.connect(), cluster.connect()]);
  return { single: nodeRedisCaller(single), cluster: nodeRedisCaller(cluster), close: async () => void (await Promise.all([single.close(), cluster.close()])) };
}

async function clusterFaults(client: string, caller: Caller, cluster: StartedCluster): Promise<void> {
  const seed = cluster.ports[0] as number;
  const joined = await addMaster(seed, await cluster.spawnNode());
  for (const mode of MODES) {
    const moving = reshard(seed, joined.id, 1000);
    const outcomes = await runLoad(caller, { mode, minCalls: CALLS, until: moving, tags: TAGS, random, run: `reshard-${client}-${mode}-${Date.now()}` });
    await moving;
    await waitForSettled(seed);
    report(`${client}: reshard of 1,000 slots to a new master`, mode, await audit(caller, outcomes));
  }
  for (const mode of MODES) {
    const busy = await slotWithReplica(seed, TAGS, random);
    const failing = failover(seed, busy);
    const outcomes = await runLoad(caller, { mode, minCalls: CALLS, until: failing, tags: TAGS, random, run: `failover-${client}-${mode}-${Date.now()}` });
    await failing;
    report(`${client}: failover of a master to its replica`, mode, await audit(caller, outcomes));
  }
}

async function main(): Promise<void> {
  const ioredisVersion = (await import('ioredis/package.json', { with: { type: 'json' } })).default.version;
  const nodeRedisVersion = (await import('redis/package.json', { with: { type: 'json' } })).default.version;
  console.log(`redis-luagen chaos: ${CALLS} calls at least per fault and mode, seed ${SEED}, ioredis ${ioredisVersion}, node-redis ${nodeRedisVersion}`);
  const standalone = await startStandalone();
  const cluster = await startCluster({ masters: 3, replicas: 1 });
  const seed = cluster.ports[0] as number;
  console.log('');
  for (const line of AUDIT_HEADER) console.log(line);
  try {
    for (const client of CLIENTS) {
      const c = await callers(client, standalone.port, seed);
      try {
        if (!flag('only-cluster-changes')) {
          await underFlush(`${client}: SCRIPT FLUSH loop, standalone`, c.single, [admin(standalone.port)]);
          await underFlush(`${client}: SCRIPT FLUSH loop, cluster`, c.cluster, (await clusterNodes(seed)).map((n) => admin(n.port)));
        }
        await clusterFaults(client, c.cluster, cluster);
      } finally {
        await c.close();
      }
    }
  } finally {
    await closeAdmins();
    await Promise.all([standalone.stop(), cluster.stop()]);
  }
  console.log(`\n${bad === 0 ? 'every acknowledged call ran exactly once and no failed call ran' : `${bad} calls were reported wrongly`}`);
  process.exitCode = bad === 0 ? 0 : 1;
}

await main();
