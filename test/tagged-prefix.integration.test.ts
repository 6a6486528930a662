// Tagged prefix args (---@arg prefix {tagged}), BullMQ's style of passing a queue's key
// prefix in ARGV: the wrapper refuses a prefix without a hash tag, and on a Cluster one whose
// tag is in another slot than the keys, before sending; a right one runs, on a real Cluster
// and a real standalone server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import { CrossSlotError, runScript, slotOf } from '../templates/runtime.js';
import { cluster, standalone } from './support/clients.js';
import { specFromLua } from './support/specs.js';

const ADD_JOB = specFromLua(
  'scripts/add-job.lua',
  `---@key wait {tagged}        the queue's wait list
---@arg prefix {tagged}       the queue's key prefix, e.g. bull:{mail}:
---@arg jobId string
---@return integer
-- redis-luagen-disable tagged-derived-key -- the job key is named from the id
local jobKey = ARGV[1] .. ARGV[2]
redis.call('HSET', jobKey, 'state', 'waiting')
return redis.call('LPUSH', KEYS[1], ARGV[2])
`,
);

let run = 0;
const unique = () => `p${process.pid}-${Date.now()}-${run++}`;

describe.each([
  ['cluster', () => cluster()],
  ['standalone', () => standalone()],
])('tagged prefix args on %s', (kind, connect) => {
  let redis: Redis | Cluster;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it("a prefix with the keys' hash tag runs, and the derived key lands in that slot", async () => {
    const tag = unique();
    expect(await runScript(ADD_JOB, redis, { wait: `bull:{${tag}}:wait`, prefix: `bull:{${tag}}:`, jobId: 'j1' })).toBe(1);
    expect(await redis.hget(`bull:{${tag}}:j1`, 'state')).toBe('waiting');
  });

  it('a prefix without a hash tag is refused before sending', async () => {
    const tag = unique();
    await expect(runScript(ADD_JOB, redis, { wait: `bull:{${tag}}:wait`, prefix: 'bull:mail:', jobId: 'j1' })).rejects.toThrow(
      /addJob: 'prefix' is a key prefix and must carry a non-empty \{hash tag\}/,
    );
  });

  it(kind === 'cluster' ? 'a prefix tagged for another slot is refused before sending' : 'a prefix with another tag is not a cluster matter here', async () => {
    const tag = unique();
    let other = unique();
    while (slotOf(`{${other}}`) === slotOf(`{${tag}}`)) other = unique();
    const call = runScript(ADD_JOB, redis, { wait: `bull:{${tag}}:wait`, prefix: `bull:{${other}}:`, jobId: 'j1' });
    if (kind === 'cluster') {
      const e = await call.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CrossSlotError);
      expect(String(e)).toMatch(/keys and key prefixes hash to different cluster slots/);
      expect(await redis.exists(`bull:{${tag}}:wait`)).toBe(0);
    } else {
      expect(await call).toBe(1);
    }
  });
});
