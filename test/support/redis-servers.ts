// Starts real redis-server processes on free loopback ports and stops them: a standalone
// server, or a Redis Cluster of N masters with R replicas each (created with redis-cli
// --cluster create). The vitest global setup starts one of each for the whole run; a test
// that provokes faults (slot moves, failovers, SCRIPT FLUSH loops) starts its own. The
// benchmarks use the same functions. No mocks anywhere.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  port: number;
  child: ChildProcess;
}

export interface Servers {
  standalone: number;
  cluster: number[];
  stop(): Promise<void>;
}

export interface StartedServer {
  port: number;
  stop(): Promise<void>;
}

export interface StartedCluster {
  /** Every node's port; after creation the first `masters` are masters, the rest replicas. */
  ports: number[];
  /** Starts one more empty cluster-enabled node (not yet in the cluster) and returns its port. */
  spawnNode(): Promise<number>;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Ports handed out by this process, so two servers started at once never share one. */
const handedOut = new Set<number>();

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (handedOut.has(port) || handedOut.has(port + 10000)) continue;
    handedOut.add(port);
    handedOut.add(port + 10000);
    if ((await portFree(port)) && (await portFree(port + 10000))) return port;
  }
  throw new Error('no free loopback port found');
}

export function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

/** Polls `check` until it holds; a check that throws (a node still loading) counts as not yet. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

function startServer(port: number, dir: string, extra: string[]): RedisProcess {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', ...extra],
    { stdio: 'ignore' },
  );
  return { port, child };
}

export function assertRedisInstalled(): void {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('redis-server is not installed: run `node scripts/ensure-tools.mjs` (Debian, as root) or install redis-server and redis-tools 7.x');
  }
}

/** Processes and a temp folder that are stopped and removed together. */
class Fleet {
  readonly dir = mkdtempSync(join(tmpdir(), 'redis-luagen-test-'));
  readonly procs: RedisProcess[] = [];

  async start(extra: string[] = []): Promise<number> {
    const port = await freePort();
    this.procs.push(startServer(port, this.dir, extra));
    await waitFor(`redis-server on ${port}`, () => cli(port, 'PING').includes('PONG'));
    return port;
  }

  async startClusterNode(): Promise<number> {
    const port = await freePort();
    // No replica migration: Redis would otherwise turn an empty master (one that just joined)
    // into a replica of a master left without one by a failover, under the test's feet.
    this.procs.push(
      startServer(port, this.dir, [
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '3000',
        '--cluster-allow-replica-migration', 'no',
      ]),
    );
    await waitFor(`redis-server on ${port}`, () => cli(port, 'PING').includes('PONG'));
    return port;
  }

  async stop(): Promise<void> {
    for (const p of this.procs) p.child.kill('SIGKILL');
    await Promise.all(
      this.procs.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startStandalone(extra: string[] = []): Promise<StartedServer> {
  assertRedisInstalled();
  const fleet = new Fleet();
  try {
    const port = await fleet.start(extra);
    return { port, stop: () => fleet.stop() };
  } catch (e) {
    await fleet.stop();
    throw e;
  }
}

/** Waits until every node says the cluster is ok, replicas are in sync and listed everywhere. */
export async function waitForHealthyCluster(ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    await waitFor(`cluster state ok on ${port}`, () => cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'), 30000);
  }
  // Every replica must have finished its first sync, so reads on replicas see the data.
  await waitFor('replicas in sync', () =>
    ports.every((port) => {
      const info = cli(port, 'INFO', 'replication');
      return info.includes('role:master') ? true : info.includes('master_link_status:up');
    }),
  );
  // ...and every node must list every node in CLUSTER SLOTS, or clients never see them.
  await waitFor(
    'all nodes listed in CLUSTER SLOTS',
    () =>
      ports.every((port) => {
        const slots = cli(port, 'CLUSTER', 'SLOTS');
        return ports.every((p) => slots.split('\n').includes(String(p)));
      }),
    30000,
  );
}

export async function startCluster(options: { masters?: number; replicas?: number } = {}): Promise<StartedCluster> {
  assertRedisInstalled();
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  const fleet = new Fleet();
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters * (1 + replicas); i++) ports.push(await fleet.startClusterNode());
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await waitForHealthyCluster(ports);
    return { ports, spawnNode: () => fleet.startClusterNode(), stop: () => fleet.stop() };
  } catch (e) {
    await fleet.stop();
    throw e;
  }
}

export async function startServers(): Promise<Servers> {
  const standalone = await startStandalone();
  try {
    const cluster = await startCluster();
    return {
      standalone: standalone.port,
      cluster: cluster.ports,
      stop: async () => {
        await Promise.all([standalone.stop(), cluster.stop()]);
      },
    };
  } catch (e) {
    await standalone.stop();
    throw e;
  }
}
