// Starts real redis-server processes on free loopback ports: one standalone server and a
// Redis Cluster of 3 masters with one replica each (created with redis-cli --cluster
// create), and stops them. Used by the vitest global setup; no mocks anywhere.

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

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (taken.has(port) || taken.has(port + 10000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) {
      taken.add(port);
      taken.add(port + 10000);
      return port;
    }
  }
  throw new Error('no free loopback port found');
}

function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
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

export async function startServers(): Promise<Servers> {
  assertRedisInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'redis-luagen-test-'));
  const taken = new Set<number>();
  const procs: RedisProcess[] = [];
  const stop = async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const standalone = await freePort(taken);
    procs.push(startServer(standalone, dir, []));
    const cluster: number[] = [];
    for (let i = 0; i < 6; i++) {
      const port = await freePort(taken);
      cluster.push(port);
      procs.push(
        startServer(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '3000']),
      );
    }
    for (const p of procs) await waitFor(`redis-server on ${p.port}`, () => cli(p.port, 'PING').includes('PONG'));
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...cluster.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
      { encoding: 'utf8', timeout: 60000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of cluster) {
      await waitFor(`cluster state ok on ${port}`, () => cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'), 30000);
    }
    // Every replica must have finished its first sync, so reads on replicas see the data.
    await waitFor('replicas in sync', () =>
      cluster.every((port) => {
        const info = cli(port, 'INFO', 'replication');
        return info.includes('role:master') ? true : info.includes('master_link_status:up');
      }),
    );
    // ...and every node must list the replicas in CLUSTER SLOTS, or clients never see them.
    await waitFor('replicas listed in CLUSTER SLOTS', () =>
      cluster.every((port) => {
        const slots = cli(port, 'CLUSTER', 'SLOTS');
        return cluster.every((p) => slots.split('\n').includes(String(p)));
      }),
    30000);
    return { standalone, cluster, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
