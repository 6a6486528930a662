// Load and audit for chaos runs: many wrapper calls (direct, pipeline x100, multi x20) that
// each record themselves in a ledger hash (HINCRBY of a unique call id), while a fault is
// provoked; then every outcome the caller saw is checked against the ledger:
//   acknowledged and ran once: right        acknowledged, never ran: lost
//   failed and never ran: right             acknowledged, ran twice or more: doubled
//   failed but ran: a phantom failure (the caller would retry a write that happened)
//   failed, saying its outcome is unknown (node-redis' execAsPipeline() after an error):
//     counted apart, with how many of them ran
// Used by bench/chaos.ts (npm run chaos) and, with a short seeded run, by the unit tests.

import { spawn } from 'node:child_process';
import type { Cluster, Redis } from 'ioredis';
import * as ioredisRuntime from '../../templates/runtime.js';
import * as nodeRedisRuntime from '../../templates/runtime-node-redis.js';
import { LEDGER } from './specs.js';
import { keySlot, ownerOf, roleOf } from './cluster-admin.js';

export type Mode = 'direct' | 'pipeline x100' | 'multi x20';
export const MODES: readonly Mode[] = ['direct', 'pipeline x100', 'multi x20'];

export interface Outcome {
  log: string;
  id: string;
  /** What the caller was told: the reply, or the error's text. */
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Audit {
  calls: number;
  acknowledged: number;
  failed: number;
  /** Failed saying that whether the call ran is unknown; `unknownRan` of them did run. */
  unknown: number;
  unknownRan: number;
  lost: number;
  doubled: number;
  phantom: number;
  /** Acknowledged with a reply that is not the count the ledger holds. */
  wrongReply: number;
  /** Failure texts by their first word, e.g. { NOSCRIPT: 3 }. */
  reasons: Record<string, number>;
}

export interface LoadOptions {
  mode: Mode;
  /** Keep calling until this many calls were made and `until` has settled. */
  minCalls: number;
  until: Promise<unknown>;
  /** Ledger keys, one hash tag each; a batch uses one. */
  tags: readonly string[];
  random: () => number;
  /** A prefix that makes every call id unique across runs. */
  run: string;
  /** Direct calls in flight at once. */
  concurrency?: number;
}

/** How the load calls the ledger script through one client: directly, or queued on a new batch. */
export interface Caller {
  direct(log: string, id: string): Promise<unknown>;
  batch(mode: Exclude<Mode, 'direct'>): { queue(log: string, id: string): Promise<unknown>; run(): Promise<unknown> };
  /** The ledger hash, read through this client. */
  ledger(log: string): Promise<Record<string, string>>;
}

export function ioredisCaller(client: Redis | Cluster): Caller {
  return {
    direct: (log, id) => ioredisRuntime.runScript(LEDGER, client, { log, id }),
    batch: (mode) => {
      const chain = mode === 'pipeline x100' ? client.pipeline() : client.multi();
      return { queue: (log, id) => ioredisRuntime.queueScript(LEDGER, chain, { log, id }), run: () => chain.exec() };
    },
    ledger: (log) => client.hgetall(log),
  };
}

/** A node-redis client or cluster; a pipeline is a multi() run with execAsPipeline(). */
export function nodeRedisCaller(client: { multi(): nodeRedisRuntime.Chain; hGetAll(key: string): Promise<unknown> } & nodeRedisRuntime.Client): Caller {
  return {
    direct: (log, id) => nodeRedisRuntime.runScript(LEDGER, client, { log, id }),
    batch: (mode) => {
      const multi = client.multi();
      return { queue: (log, id) => nodeRedisRuntime.queueScript(LEDGER, multi, { log, id }), run: () => (mode === 'pipeline x100' ? multi.execAsPipeline() : multi.exec()) };
    },
    ledger: async (log) => (await client.hGetAll(log)) as Record<string, string>,
  };
}

export async function runLoad(caller: Caller, options: LoadOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let untilDone = false;
  void options.until.then(
    () => (untilDone = true),
    () => (untilDone = true),
  );
  let n = 0;
  const more = (): boolean => n < options.minCalls || !untilDone;
  const pick = (): string => `ledger:{${options.tags[Math.floor(options.random() * options.tags.length)]}}`;
  const record = (log: string, id: string, p: Promise<unknown>): Promise<void> =>
    p.then(
      (value) => void outcomes.push({ log, id, ok: true, value }),
      (e: unknown) => void outcomes.push({ log, id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  if (options.mode === 'direct') {
    await Promise.all(
      Array.from({ length: options.concurrency ?? 64 }, async () => {
        while (more()) {
          const log = pick();
          const id = `${options.run}-${n++}`;
          await record(log, id, caller.direct(log, id));
        }
      }),
    );
    return outcomes;
  }
  const size = options.mode === 'pipeline x100' ? 100 : 20;
  while (more()) {
    const batch = caller.batch(options.mode);
    const log = pick();
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < size; i++) {
      const id = `${options.run}-${n++}`;
      pending.push(record(log, id, batch.queue(log, id)));
    }
    await batch.run().catch(() => undefined); // the wrapper promises carry each call's outcome
    await Promise.all(pending);
  }
  return outcomes;
}

/** A read retried while the cluster is still settling after a fault (LOADING, TRYAGAIN...). */
async function settledRead<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (e) {
      if (attempt >= 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const UNKNOWN = /whether this call ran is unknown/;

/** Checks every outcome against the ledger, read through `caller` once the fault is over. */
export async function audit(caller: Caller, outcomes: readonly Outcome[]): Promise<Audit> {
  const result: Audit = { calls: outcomes.length, acknowledged: 0, failed: 0, unknown: 0, unknownRan: 0, lost: 0, doubled: 0, phantom: 0, wrongReply: 0, reasons: {} };
  const logs = [...new Set(outcomes.map((o) => o.log))];
  const ledgers = new Map<string, Record<string, string>>();
  for (const log of logs) ledgers.set(log, await settledRead(() => caller.ledger(log)));
  for (const o of outcomes) {
    const runs = Number(ledgers.get(o.log)?.[o.id] ?? 0);
    if (o.ok) {
      result.acknowledged++;
      if (runs === 0) result.lost++;
      if (runs > 1) result.doubled++;
      if (o.value !== runs) result.wrongReply++;
    } else if (UNKNOWN.test(o.error ?? '')) {
      result.unknown++;
      if (runs > 0) result.unknownRan++;
      if (runs > 1) result.doubled++;
    } else {
      result.failed++;
      if (runs > 0) result.phantom++;
      const word = (o.error ?? '').split(' ')[0] || 'unknown';
      result.reasons[word] = (result.reasons[word] ?? 0) + 1;
    }
  }
  return result;
}

/** SCRIPT FLUSH on every node, again and again, until `stop` says so. */
export async function flushLoop(nodes: readonly Redis[], stop: () => boolean, pauseMs = 1): Promise<number> {
  let flushes = 0;
  while (!stop()) {
    await Promise.all(nodes.map((n) => n.script('FLUSH').catch(() => undefined)));
    flushes++;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return flushes;
}

/** `redis-cli --cluster reshard`: moves `slots` slots from all masters to node `toId`. */
export function reshard(seedPort: number, toId: string, slots: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-cli',
      ['--cluster', 'reshard', `127.0.0.1:${seedPort}`, '--cluster-from', 'all', '--cluster-to', toId, '--cluster-slots', String(slots), '--cluster-yes', '--cluster-pipeline', '100'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --cluster reshard failed (${code}): ${output.slice(-2000)}`))));
  });
}

/** The slot of a random ledger key whose master has a replica to fail over to. */
export async function slotWithReplica(seed: number, tags: readonly string[], random: () => number): Promise<number> {
  for (;;) {
    const slot = await keySlot(seed, `ledger:{${tags[Math.floor(random() * tags.length)]}}`);
    if ((await roleOf((await ownerOf(seed, slot)).port)).replicas.length > 0) return slot;
  }
}

/** The lines of a report table for audits. */
export function auditRow(scenario: string, mode: Mode, a: Audit): string {
  const reasons = Object.entries(a.reasons)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const unknown = a.unknown ? `${a.unknown} (${a.unknownRan} ran)` : '0';
  return `| ${scenario} | ${mode} | ${a.calls} | ${a.acknowledged} | ${a.failed} | ${unknown} | ${a.phantom} | ${a.lost} | ${a.doubled} | ${a.wrongReply} | ${reasons || '-'} |`;
}

export const AUDIT_HEADER = [
  '| fault | mode | calls | acknowledged | failed | outcome unknown | phantom failures | lost | doubled | wrong reply | failures by reply |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
