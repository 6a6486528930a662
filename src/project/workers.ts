// Big cold builds on every core: the scripts to compile are dealt round-robin to worker
// threads, which compile and emit them (the same compileFresh as on the main thread) and post
// each result back. Used only from the built package (a worker runs JavaScript files).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import type { FreshJob, FreshScript } from './compile-fresh.js';
import type { WorkerJob } from './compile-worker.js';

/** Below this many scripts to compile, starting workers (each loads the compiler) costs more than it saves. */
export const PARALLEL_MIN = 64;

const WORKER = new URL('./compile-worker.js', import.meta.url);

/**
 * How many workers a run of `jobs` scripts gets: 0 keeps it on the main thread.
 * REDIS_LUAGEN_WORKERS sets the number (0: never). Otherwise only machines with 4 cores or
 * more use them: on 2 cores, measured, two workers took 1.5x the CPU time for 1.1x less wall
 * time (the compiler allocates heavily, and its garbage collection already uses the second core).
 */
export function workerCount(jobs: number, env: NodeJS.ProcessEnv = process.env): number {
  if (!WORKER.pathname.endsWith('.js') || jobs < PARALLEL_MIN) return 0;
  const asked = env.REDIS_LUAGEN_WORKERS;
  if (asked !== undefined && /^\d+$/.test(asked)) return Math.min(Number(asked), 16);
  const cores = availableParallelism();
  return cores < 4 ? 0 : Math.min(cores - 1, 8, Math.floor(jobs / (PARALLEL_MIN / 2)));
}

export async function compileInWorkers(
  jobs: readonly FreshJob[],
  workers: number,
  context: { config: Config; sources: Map<string, Uint8Array | string>; emit: boolean; signal?: AbortSignal; onResult?: (done: number, path: string) => void },
): Promise<FreshScript[]> {
  const results: FreshScript[] = [];
  const started: Worker[] = [];
  const stopAll = () => Promise.all(started.map((w) => w.terminate()));
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(context.signal?.reason ?? new Error('stopped'));
      context.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        context.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (!jobs.length) return finish();
      for (let i = 0; i < workers; i++) {
        const share = jobs.filter((_, j) => j % workers === i);
        const data: WorkerJob = { jobs: share, config: context.config, sources: context.sources, emit: context.emit };
        const worker = new Worker(WORKER, { workerData: data });
        started.push(worker);
        let received = 0;
        worker.on('message', (r: FreshScript) => {
          received++;
          results.push(r);
          context.onResult?.(results.length, r.path);
          if (results.length === jobs.length) finish();
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0 || received < share.length) reject(new Error(`a compile worker stopped (exit code ${code}) after ${received} of ${share.length} scripts`));
        });
      }
    });
  } finally {
    await stopAll();
  }
  return results;
}
