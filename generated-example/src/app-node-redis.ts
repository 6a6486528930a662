// The same service with node-redis (the `redis` package) and the wrappers built with
// "client": "node-redis" (redis-luagen.node-redis.json). The call shape is the same.
import { createClient, createCluster } from 'redis';
import { acquireLock, enqueueJob, loadAllScripts, releaseLock, slidingWindow, ScriptError } from './generated-node-redis/index.js';

type NodeRedis = ReturnType<typeof createClient>;

export async function handleRequest(redis: NodeRedis, userId: string, requestId: string): Promise<string> {
  const [admitted] = await slidingWindow(redis, { window: `rate:{${userId}}`, now: Date.now(), windowMs: 60_000, limit: 100, requestId });
  if (!admitted) return 'rate limited';
  const owner = `${process.pid}:${requestId}`;
  if (!(await acquireLock(redis, { lock: `lock:{${userId}}`, owner, ttlMs: 5_000 }))) return 'busy';
  try {
    // A transaction: each queued call's promise gets its own reply when exec() returns.
    const multi = redis.multi();
    const jobId = enqueueJob.queue(multi, { queue: `jobs:{${userId}}`, job: { requestId }, priority: 'high' });
    const again = enqueueJob.queue(multi, { queue: `jobs:{${userId}}`, job: { requestId, retry: true }, priority: 'low' });
    await multi.exec();
    return `jobs ${await jobId} and ${await again}`;
  } catch (e) {
    if (e instanceof ScriptError) return `failed in ${e.file}:${e.line}: ${e.message}`;
    throw e;
  } finally {
    await releaseLock(redis, { lock: `lock:{${userId}}`, owner });
  }
}

export async function warmUp(redis: NodeRedis): Promise<void> {
  await loadAllScripts(redis);
}

/** The same wrappers take a cluster; the keys of one call share a {hash tag}. */
export async function releaseOnCluster(rootPort: number, userId: string, owner: string): Promise<boolean> {
  const cluster = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: rootPort } }] });
  await cluster.connect();
  try {
    await loadAllScripts(cluster);
    const multi = cluster.multi();
    const released = releaseLock.queue(multi, { lock: `lock:{${userId}}`, owner });
    await multi.exec();
    return await released;
  } finally {
    await cluster.close();
  }
}
