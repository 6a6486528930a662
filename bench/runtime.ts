// Runtime benchmark: what the generated wrappers cost against what a user would write by
// hand, in the same run, on a private redis-server.
//
// - Bytes: INFO stats total_net_input_bytes for a pipeline of 100 calls and a multi of 20
//   calls, wrapper against raw EVALSHA (script loaded first), small and 5 kB scripts.
// - CPU and throughput: direct calls, pipeline x100, multi x20, small and 5 kB scripts,
//   for raw `evalsha`, ioredis `defineCommand` and the wrapper, in interleaved rounds; the
//   median of the rounds is reported, as client CPU per call (process.cpuUsage) and ops/s.
//
// The server is pinned to the last core and this process to the first (taskset), so they do
// not take turns on one core; ratios are medians of per-round ratios (each round runs every
// way back to back), which cancels the drift of a noisy machine.
//
// Run: npm run bench:runtime [-- --rounds 15 --calls 20000]
import { Redis } from 'ioredis';
import { queueScript, runScript, type ScriptSpec } from '../templates/runtime.js';
import { startStandalone } from '../test/support/redis-servers.js';
import { specFromLua } from '../test/support/specs.js';
import { numberOption } from './options.js';
import { bytesOf, pinBoth, printModes } from './runtime-stats.js';

const ROUNDS = numberOption('rounds', 15);
const CALLS = numberOption('calls', 20000);

const SMALL = specFromLua(
  'bench/ledger.lua',
  `---@key log\n---@arg id string\n---@return integer\nreturn redis.call('HINCRBY', KEYS[1], ARGV[1], 1)\n`,
);
const LARGE = specFromLua(
  'bench/ledger-5k.lua',
  `---@key log\n---@arg id string\n---@return integer\nlocal notes = [[${'x'.repeat(4950)}]]\nif ARGV[1] == notes then return 0 end\nreturn redis.call('HINCRBY', KEYS[1], ARGV[1], 1)\n`,
);

interface Way {
  name: string;
  direct(r: Redis, key: string, id: string): Promise<unknown>;
  queue(chain: ReturnType<Redis['pipeline']>, key: string, id: string): void;
}

function ways(spec: ScriptSpec, command: string): Way[] {
  return [
    {
      name: 'raw evalsha',
      direct: (r, key, id) => r.evalsha(spec.sha, 1, key, id),
      queue: (c, key, id) => void c.evalsha(spec.sha, 1, key, id),
    },
    {
      name: 'defineCommand',
      direct: (r, key, id) => (r as unknown as Record<string, (k: string, i: string) => Promise<unknown>>)[command]!(key, id),
      queue: (c, key, id) => void (c as unknown as Record<string, (k: string, i: string) => unknown>)[command]!(key, id),
    },
    {
      name: 'wrapper',
      direct: (r, key, id) => runScript(spec, r, { log: key, id }),
      queue: (c, key, id) => void queueScript(spec, c, { log: key, id }),
    },
  ];
}

type Mode = 'direct' | 'pipeline x100' | 'multi x20';

/** Runs `calls` calls one way; returns client CPU µs per call and calls per second. */
async function measure(redis: Redis, way: Way, mode: Mode, calls: number): Promise<{ cpu: number; ops: number }> {
  const key = `bench:${way.name}`;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (mode === 'direct') {
    const inFlight = 100;
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < calls) await way.direct(redis, key, `i${next++ % 1000}`);
      }),
    );
  } else {
    const size = mode === 'pipeline x100' ? 100 : 20;
    for (let done = 0; done < calls; done += size) {
      const chain = mode === 'pipeline x100' ? redis.pipeline() : redis.multi();
      for (let i = 0; i < size; i++) way.queue(chain, key, `i${i}`);
      await chain.exec();
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  return { cpu: (used.user + used.system) / calls, ops: calls / seconds };
}

async function bytesTable(redis: Redis, other: Redis): Promise<void> {
  console.log('\nBytes sent (INFO stats total_net_input_bytes), wrapper / raw evalsha; the script is loaded first for raw');
  console.log('| batch | script | raw evalsha | wrapper | ratio | goal |');
  console.log('| --- | --- | ---: | ---: | ---: | --- |');
  for (const [label, spec] of [['small', SMALL], ['5 kB', LARGE]] as const) {
    for (const [kind, size, goal] of [['pipeline', 100, 2], ['multi', 20, 4]] as const) {
      await redis.script('LOAD', spec.lua);
      const batch = (add: (c: ReturnType<Redis['pipeline']>, i: number) => void) => async () => {
        const chain = kind === 'pipeline' ? redis.pipeline() : redis.multi();
        for (let i = 0; i < size; i++) add(chain, i);
        await chain.exec();
      };
      const raw = await bytesOf(() => other.info('stats'), batch((c, i) => void c.evalsha(spec.sha, 1, 'bytes:raw', `i${i}`)));
      const wrapped = await bytesOf(() => other.info('stats'), batch((c, i) => void queueScript(spec, c, { log: 'bytes:wrap', id: `i${i}` })));
      const ratio = wrapped / raw;
      console.log(`| ${kind} x${size} | ${label} (${spec.lua.length} B) | ${raw} | ${wrapped} | ${ratio.toFixed(2)}x | <= ${goal}x ${ratio <= goal ? 'met' : 'MISSED'} |`);
    }
  }
}

async function cpuTable(redis: Redis): Promise<void> {
  const goals: Record<Mode, number> = { direct: 0.95, 'pipeline x100': 0.9, 'multi x20': 0.85 };
  console.log(`\nClient CPU per call and throughput, median of ${ROUNDS} interleaved rounds of ${CALLS} calls`);
  console.log('| mode | script | way | CPU µs/call | ops/s | ops/s vs raw (median of round ratios) | extra CPU µs/call vs raw (median of round differences) | goal |');
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const [label, spec, command] of [['small', SMALL, 'ledgerSmall'], ['5 kB', LARGE, 'ledgerLarge']] as const) {
    redis.defineCommand(command, { numberOfKeys: 1, lua: spec.lua });
    await redis.script('LOAD', spec.lua);
    const all = ways(spec, command);
    await printModes(goals, label, all.map((w) => w.name), (i, mode, calls) => measure(redis, all[i]!, mode, calls), { rounds: ROUNDS, calls: CALLS });
  }
}

async function main(): Promise<void> {
  const server = await startStandalone();
  const redis = new Redis({ host: '127.0.0.1', port: server.port });
  const other = new Redis({ host: '127.0.0.1', port: server.port });
  try {
    console.log(pinBoth(await other.info('server')));
    console.log(`redis-luagen runtime benchmark: node ${process.version}, ioredis ${(await import('ioredis/package.json', { with: { type: 'json' } })).default.version}`);
    await bytesTable(redis, other);
    await cpuTable(redis);
  } finally {
    redis.disconnect();
    other.disconnect();
    await server.stop();
  }
}

await main();
