// The runtime on a private standalone redis-server (so INFO commandstats counts only this
// file's commands): what a batch sends, how NOSCRIPT is recovered, how every wrapper promise
// matches its own exec() row (also under a SCRIPT FLUSH loop), and the guards that refuse
// misuse before anything is sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { MAX_ARGUMENTS, queueScript, runScript, ScriptError } from '../templates/runtime.js';
import { startStandalone, type StartedServer } from './support/redis-servers.js';
import { COUNT_ARGS, ECHO, LEDGER, specFromLua } from './support/specs.js';
import { rng } from './support/lua-gen.js';
import { IOREDIS } from './support/ioredis-versions.js';

let server: StartedServer;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(IOREDIS)('with %s', (_version, lib) => {
  let redis: Redis;
  let other: Redis;

  beforeAll(() => {
    redis = new lib.Redis({
      host: '127.0.0.1',
      port: server.port,
      maxRetriesPerRequest: 1,
    });
    other = new lib.Redis({ host: '127.0.0.1', port: server.port });
  });

  afterAll(async () => {
    await Promise.all([redis?.quit(), other?.quit()]);
  });

  beforeEach(async () => {
    await other.script('FLUSH');
    await other.config('RESETSTAT');
  });

  let run = 0;
  const unique = () => `b${Date.now()}-${run++}`;

  async function calls(): Promise<Record<string, number>> {
    const stats = (await other.info('commandstats')) as string;
    const out: Record<string, number> = {};
    for (const m of stats.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) out[m[1] as string] = Number(m[2]);
    return out;
  }

  describe('what a batch sends', () => {
    it.each(['pipeline', 'multi'] as const)('%s: each distinct script text once (EVAL), then EVALSHA; no extra row', async (kind) => {
      const log = `log:${unique()}`;
      const chain = kind === 'pipeline' ? redis.pipeline() : redis.multi();
      const ledger = ['a', 'b', 'c', 'd', 'e'].map((id) => queueScript<number>(LEDGER, chain, { log, id }));
      const echo = [1, 2].map((n) => queueScript<string>(ECHO, chain, { k: `${log}:e`, v: `v${n}` }));
      const rows = await chain.exec();
      expect(rows).toEqual([
        [null, 1],
        [null, 1],
        [null, 1],
        [null, 1],
        [null, 1],
        [null, 'v1'],
        [null, 'v2'],
      ]);
      expect(await Promise.all([...ledger, ...echo])).toEqual([1, 1, 1, 1, 1, 'v1', 'v2']);
      const c = await calls();
      expect(c['eval']).toBe(2);
      expect(c['evalsha']).toBe(5);
    });

    it('a direct call recovers NOSCRIPT with SCRIPT LOAD, not EVAL', async () => {
      expect(await runScript(LEDGER, redis, { log: `log:${unique()}`, id: 'x' })).toBe(1);
      const c = await calls();
      expect(c['script|load']).toBe(1);
      expect(c['evalsha']).toBe(2);
      expect(c['eval']).toBeUndefined();
    });
  });

  describe('every wrapper promise equals its own exec() row', () => {
    it('multi after WATCH saw a change: EXEC returns null and the calls reject (nothing ran)', async () => {
      const log = `log:${unique()}`;
      const watched = `w:${unique()}`;
      const conn = new lib.Redis({ host: '127.0.0.1', port: server.port });
      try {
        await conn.watch(watched);
        await other.set(watched, 'changed');
        const tx = conn.multi();
        const p = queueScript<number>(LEDGER, tx, { log, id: 'a' });
        expect(await tx.exec()).toBeNull();
        await expect(p).rejects.toThrow(/transaction was aborted/);
        expect(await other.exists(log)).toBe(0);
      } finally {
        await conn.quit();
      }
    });

    it('multi discarded with EXECABORT: the calls reject with that error, not as a script error', async () => {
      const log = `log:${unique()}`;
      const tx = redis.multi();
      const p = queueScript<number>(LEDGER, tx, { log, id: 'a' });
      tx.call('GET'); // wrong arity: refused while queueing, so EXEC discards the transaction
      await expect(tx.exec()).rejects.toThrow(/EXECABORT/);
      const e = await p.catch((x: unknown) => x);
      expect(e).not.toBeInstanceOf(ScriptError);
      expect(String(e)).toMatch(/EXECABORT/);
      expect(await other.exists(log)).toBe(0);
    });

    it('a transaction inside a pipeline: each call settles from its own place in EXEC or in the pipeline', async () => {
      const log = `log:${unique()}`;
      const pipe = redis.pipeline();
      const before = queueScript<number>(LEDGER, pipe, { log, id: 'before' });
      (pipe as unknown as { multi(): void }).multi();
      pipe.incr(`${log}:n`);
      const inside = queueScript<number>(LEDGER, pipe, { log, id: 'inside' });
      const echoed = queueScript<string>(ECHO, pipe, {
        k: `${log}:e`,
        v: 'in-tx',
      });
      void (pipe as unknown as { exec(): unknown }).exec(); // queues EXEC
      const after = queueScript<number>(LEDGER, pipe, { log, id: 'before' });
      const rows = await pipe.exec();
      expect(rows).toEqual([
        [null, 1],
        [null, 'OK'],
        [null, 'QUEUED'],
        [null, 'QUEUED'],
        [null, 'QUEUED'],
        [null, [1, 1, 'in-tx']],
        [null, 2],
      ]);
      expect(await Promise.all([before, inside, echoed, after])).toEqual([1, 1, 'in-tx', 2]);
    });

    it('a script error in a multi rejects that call as ScriptError; the others resolve', async () => {
      const log = `log:${unique()}`;
      await other.set(`${log}:bad`, 'x');
      const tx = redis.multi();
      const good = queueScript<number>(LEDGER, tx, { log, id: 'a' });
      const bad = queueScript<number>(LEDGER, tx, {
        log: `${log}:bad`,
        id: 'a',
      });
      const rows = await tx.exec();
      expect(rows?.[0]).toEqual([null, 1]);
      expect(String(rows?.[1]?.[0])).toMatch(/WRONGTYPE/);
      expect(await good).toBe(1);
      await expect(bad).rejects.toBeInstanceOf(ScriptError);
    });

    it('under a SCRIPT FLUSH loop: multi never meets NOSCRIPT, a pipeline call is told the truth', async () => {
      const random = rng(8);
      const log = `log:${unique()}`;
      let flushing = true;
      const flusher = (async () => {
        while (flushing) await other.script('FLUSH');
      })();
      const acknowledged: string[] = [];
      const failed: string[] = [];
      let noscriptInMulti = 0;
      try {
        for (let round = 0; round < 60; round++) {
          const kind = random() < 0.5 ? 'pipeline' : 'multi';
          const chain = kind === 'pipeline' ? redis.pipeline() : redis.multi();
          const ids = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => `${round}-${i}`);
          const promises = ids.map((id) => queueScript<number>(LEDGER, chain, { log, id }));
          const rows = (await chain.exec()) as Array<[Error | null, unknown]>;
          const settled = await Promise.allSettled(promises);
          settled.forEach((s, i) => {
            const row = rows[i] as [Error | null, unknown];
            if (s.status === 'fulfilled') {
              expect(row).toEqual([null, s.value]);
              acknowledged.push(ids[i] as string);
            } else {
              expect(row[0]).toBeInstanceOf(Error);
              expect(String(s.reason)).toContain(row[0]!.message.split(' ')[0] as string);
              if (kind === 'multi' && /NOSCRIPT/.test(String(s.reason))) noscriptInMulti++;
              failed.push(ids[i] as string);
            }
          });
        }
      } finally {
        flushing = false;
        await flusher;
      }
      expect(noscriptInMulti).toBe(0);
      const ledger = await other.hgetall(log);
      for (const id of acknowledged) expect(ledger[id], id).toBe('1');
      for (const id of failed) expect(ledger[id], id).toBeUndefined();
    }, 60000);
  });

  describe('the promise-like a queued call returns', () => {
    it('behaves as a promise: await, then, catch, finally, Promise.all, before or after exec()', async () => {
      const log = `log:${unique()}`;
      const pipe = redis.pipeline();
      const early = queueScript<number>(LEDGER, pipe, { log, id: 'a' });
      const viaThen = early.then((n) => n * 10); // asked for before exec()
      const late = queueScript<number>(LEDGER, pipe, { log, id: 'b' });
      await pipe.exec();
      expect(await viaThen).toBe(10);
      expect(await late).toBe(1); // asked for after it settled
      expect(await Promise.all([early, late])).toEqual([1, 1]);
      let finished = false;
      expect(await late.finally(() => (finished = true))).toBe(1);
      expect(finished).toBe(true);
      expect(Object.prototype.toString.call(late)).toBe('[object Promise]');
    });

    it('a rejection nobody asked for is not an unhandled rejection; one asked for later still arrives', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const log = `log:${unique()}`;
        const tx = redis.multi();
        const ignored = queueScript<number>(LEDGER, tx, { log, id: 'a' });
        const askedLater = queueScript<number>(LEDGER, tx, { log, id: 'b' });
        tx.call('GET'); // EXECABORT: both calls reject
        await expect(tx.exec()).rejects.toThrow(/EXECABORT/);
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
        await expect(askedLater).rejects.toThrow(/EXECABORT/);
        expect(await ignored.catch((e: Error) => e.message)).toMatch(/EXECABORT/);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });

  describe('misuse is refused before anything is sent', () => {
    it('the direct function given a pipeline or multi: TypeError, nothing queued', async () => {
      for (const chain of [redis.pipeline(), redis.multi()]) {
        const queued = chain.length;
        await expect(runScript(LEDGER, chain as unknown as Redis, { log: 'l', id: 'x' })).rejects.toThrow(
          /ledger: the first argument is a pipeline\(\) or multi\(\); queue the call with ledger\.queue\(chain, params\)/,
        );
        expect(chain.length).toBe(queued);
      }
    });

    it('.queue given a client instead of a pipeline or multi: TypeError', () => {
      expect(() => queueScript(LEDGER, redis as never, { log: 'l', id: 'x' })).toThrow(
        /ledger\.queue: the first argument must be a pipeline\(\) or multi\(\)/,
      );
    });

    it('inherited fields, a polluted prototype and holes are refused, nothing sent', async () => {
      const inherited = Object.create({ log: 'from-prototype' }) as Record<string, unknown>;
      inherited['id'] = 'x';
      await expect(runScript(LEDGER, redis, inherited)).rejects.toThrow("ledger: missing required field 'log'");
      const proto = Object.prototype as Record<string, unknown>;
      proto['id'] = 'polluted';
      try {
        await expect(runScript(LEDGER, redis, { log: 'l' })).rejects.toThrow("ledger: missing required field 'id'");
      } finally {
        delete proto['id'];
      }
      const pipe = redis.pipeline();
      expect(() => queueScript(COUNT_ARGS, pipe, { counter: 'c', items: ['a', , 'b'] })).toThrow("countArgs: 'items[1]' is missing"); // eslint-disable-line no-sparse-arrays
      expect(pipe.length).toBe(0);
      const c = await calls();
      expect(c['evalsha'] ?? 0).toBe(0);
      expect(c['eval'] ?? 0).toBe(0);
    });

    it(`a variadic list of 150,000 items is sent without spreading, and the connection stays in step`, async () => {
      const counter = `n:${unique()}`;
      const items = Array.from({ length: 150_000 }, (_, i) => `i${i}`);
      const [big, after] = await Promise.all([
        runScript<number>(COUNT_ARGS, redis, { counter, items }),
        runScript<number>(COUNT_ARGS, redis, { counter, items: ['x', 'y'] }),
      ]);
      expect(big).toBe(150_000);
      expect(after).toBe(2);
      const pipe = redis.pipeline();
      const queued = queueScript<number>(COUNT_ARGS, pipe, { counter, items });
      pipe.get(counter);
      expect(await pipe.exec()).toEqual([
        [null, 150_000],
        [null, '3'],
      ]);
      expect(await queued).toBe(150_000);
    }, 30000);

    it(`more than MAX_ARGUMENTS keys and args: TypeError, nothing sent`, async () => {
      const items = Array.from({ length: MAX_ARGUMENTS }, () => 'x');
      await expect(runScript(COUNT_ARGS, redis, { counter: 'c', items })).rejects.toThrow(
        new RegExp(`countArgs: 'items' makes ${MAX_ARGUMENTS + 1} keys and args, more than the ${MAX_ARGUMENTS} one call may send`),
      );
      expect((await calls())['evalsha']).toBeUndefined();
    });
  });

  describe('script errors name the source', () => {
    const spec = specFromLua(
      'scripts/add-one.lua',
      `---@arg n string
---@return integer
local counter = 0
local missing = tonumber(ARGV[1])
counter = counter + missing
return counter
`,
    );

    it('a Lua runtime error names the local as the source spells it, at the .lua line', async () => {
      expect(spec.lua).not.toContain('missing');
      const e = (await runScript(spec, redis, { n: 'not a number' }).catch((x: unknown) => x)) as ScriptError;
      expect(e).toBeInstanceOf(ScriptError);
      expect(e.line).toBe(5);
      expect(e.message).toBe("addOne (scripts/add-one.lua:5): ERR attempt to perform arithmetic on local 'missing' (a nil value)");
    });
  });
});
