// Chaos benchmark: wrapper calls in every mode (direct, pipeline x100, multi x20) while the
// faults a production deployment meets happen for real, each call recorded in a ledger
// hash, then every outcome audited against the ledger (test/support/chaos.ts):
//   - SCRIPT FLUSH in a loop, on a standalone server and on every node of a Cluster;
//   - a reshard of 1,000 slots to a master that joined (redis-cli --cluster reshard);
//   - a manual failover of a master to its replica (CLUSTER FAILOVER).
// Goal: 0 phantom failures, 0 lost, 0 doubled, 0 wrong replies. The exit code is 1 otherwise.
//
// Run: npm run chaos [-- --calls 100000 --seed 1]
import { Cluster, Redis } from 'ioredis';
import { startCluster, startStandalone } from '../test/support/redis-servers.js';
import { addMaster, admin, closeAdmins, failover, waitForSettled } from '../test/support/cluster-admin.js';
import { AUDIT_HEADER, audit, auditRow, flushLoop, MODES, reshard, runLoad, slotWithReplica, type Audit, type Mode } from '../test/support/chaos.js';
import { rng } from '../test/support/lua-gen.js';
import { flag, numberOption } from './options.js';

const CALLS = numberOption('calls', 100_000);
const SEED = numberOption('seed', 1);
const TAGS = Array.from({ length: 1000 }, (_, i) => `t${i}`);
const random = rng(SEED);
const rows: string[] = [];
let bad = 0;

function report(fault: string, mode: Mode, a: Audit): void {
  const row = auditRow(fault, mode, a);
  rows.push(row);
  console.log(row);
  bad += a.phantom + a.lost + a.doubled + a.wrongReply;
}

async function underFlush(fault: string, client: Redis | Cluster, nodes: Redis[]): Promise<void> {
  for (const mode of MODES) {
    let stop = false;
    const flushes = flushLoop(nodes, () => stop);
    const outcomes = await runLoad(client, { mode, minCalls: CALLS, until: Promise.resolve(), tags: TAGS, random, run: `${fault}-${mode}-${Date.now()}` });
    stop = true;
    console.error(`  ${fault}, ${mode}: ${await flushes} flush rounds`);
    report(fault, mode, await audit(client, outcomes));
  }
}

async function main(): Promise<void> {
  console.log(`redis-luagen chaos: ${CALLS} calls at least per fault and mode, seed ${SEED}, ioredis ${(await import('ioredis/package.json', { with: { type: 'json' } })).default.version}`);
  const standalone = await startStandalone();
  const cluster = await startCluster({ masters: 3, replicas: 1 });
  const seed = cluster.ports[0] as number;
  const single = new Redis({ host: '127.0.0.1', port: standalone.port });
  const client = new Cluster([{ host: '127.0.0.1', port: seed }]);
  client.on('error', () => undefined);
  console.log('');
  for (const line of AUDIT_HEADER) console.log(line);
  try {
    if (!flag('only-cluster-changes')) {
      await underFlush('SCRIPT FLUSH loop, standalone', single, [admin(standalone.port)]);
      await underFlush('SCRIPT FLUSH loop, cluster', client, cluster.ports.map((p) => admin(p)));
    }

    const joined = await addMaster(seed, await cluster.spawnNode());
    for (const mode of MODES) {
      const moving = reshard(seed, joined.id, 1000);
      const outcomes = await runLoad(client, { mode, minCalls: CALLS, until: moving, tags: TAGS, random, run: `reshard-${mode}-${Date.now()}` });
      await moving;
      await waitForSettled(seed);
      report('reshard of 1,000 slots to a new master', mode, await audit(client, outcomes));
    }

    for (const mode of MODES) {
      const busy = await slotWithReplica(seed, TAGS, random);
      const failing = failover(seed, busy);
      const outcomes = await runLoad(client, { mode, minCalls: CALLS, until: failing, tags: TAGS, random, run: `failover-${mode}-${Date.now()}` });
      await failing;
      report('failover of a master to its replica', mode, await audit(client, outcomes));
    }
  } finally {
    single.disconnect();
    client.disconnect();
    await closeAdmins();
    await Promise.all([standalone.stop(), cluster.stop()]);
  }
  console.log(`\n${bad === 0 ? 'every acknowledged call ran exactly once and no failed call ran' : `${bad} calls were reported wrongly`}`);
  process.exitCode = bad === 0 ? 0 : 1;
}

await main();
