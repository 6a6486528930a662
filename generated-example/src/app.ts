// A small service that uses the generated wrappers. Run it against a local Redis:
//   node --experimental-strip-types generated-example/src/app.ts   (or compile it with tsc)
import { Redis } from 'ioredis';
import {
  acquireLock,
  enqueueJob,
  leaderboardUpdate,
  loadAllScripts,
  releaseLock,
  slidingWindow,
  ScriptError,
} from './generated/index.js';

export async function handleRequest(redis: Redis, userId: string, requestId: string): Promise<string> {
  const [admitted, remaining] = await slidingWindow(redis, {
    window: `rate:{${userId}}`,
    now: Date.now(),
    windowMs: 60_000,
    limit: 100,
    requestId,
  });
  if (!admitted) return 'rate limited';

  const owner = `${process.pid}:${requestId}`;
  if (!(await acquireLock(redis, { lock: `lock:{${userId}}`, owner, ttlMs: 5_000 }))) return 'busy';
  try {
    const jobId = await enqueueJob(redis, { queue: `jobs:{${userId}}`, job: { requestId }, priority: 'high' });
    const [rank, score] = await leaderboardUpdate(redis, { board: 'board', player: userId, points: 1.5 });
    return `job ${jobId}, rank ${rank}, score ${score}, ${remaining} requests left`;
  } catch (e) {
    if (e instanceof ScriptError) return `failed in ${e.file}:${e.line}: ${e.message}`;
    throw e;
  } finally {
    await releaseLock(redis, { lock: `lock:{${userId}}`, owner });
  }
}

export async function warmUp(redis: Redis): Promise<void> {
  await loadAllScripts(redis);
}
