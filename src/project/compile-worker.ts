// A worker thread of a big cold build: compiles (and emits) the scripts it is given, posting
// each result as soon as it is ready. Included files come with the job: it reads no disk.

import { parentPort, workerData } from 'node:worker_threads';
import { compileFresh, type FreshJob } from './compile-fresh.js';
import type { Config } from '../config/config.js';

export interface WorkerJob {
  jobs: FreshJob[];
  config: Config;
  /** Every file the jobs can include, by project-relative path. */
  sources: Map<string, Uint8Array | string>;
  emit: boolean;
}

const { jobs, config, sources, emit } = workerData as WorkerJob;
for (const job of jobs) {
  parentPort?.postMessage(await compileFresh(job, config, (path) => sources.get(path), emit));
}
