// Runtime benchmark for the node-redis wrappers: what they cost against what a node-redis user
// would write by hand (sendCommand EVALSHA, the script loaded first), in the same run, on a
// private redis-server.
//
// - Bytes: a pipeline of 100 calls (multi().execAsPipeline()) and a transaction of 20
//   (multi().exec()), small and 5 kB scripts.
// - CPU and throughput: direct calls (100 in flight: node-redis pipelines them), pipeline x100
//   and multi x20, in interleaved rounds; medians of per-round ratios.
//
// Run: npm run bench:runtime [-- --rounds 15 --calls 20000]
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { queueScript, runScript, type Chain, type ScriptSpec } from '../templates/runtime-node-redis.js';
import { startStandalone } from '../test/support/redis-servers.js';
import { specFromLua } from '../test/support/specs.js';
import { numberOption } from './options.js';
import { bytesOf, pinBoth, printModes } from './runtime-stats.js';

const ROUNDS = numberOption('rounds', 15);
const CALLS = numberOption('calls', 20000);

const SMALL = specFromLua('bench/ledger.lua', `---@key log\n---@arg id string\n---@return integer\nreturn redis.call('HINCRBY', KEYS[1], ARGV[1], 1)\n`);
const LARGE = specFromLua(
  'bench/ledger-5k.lua',
  `---@key log\n---@arg id string\n---@return integer\nlocal notes = [[${'x'.repeat(4950)}]]\nif ARGV[1] == notes then return 0 end\nreturn redis.call('HINCRBY', KEYS[1], ARGV[1], 1)\n`,
);

const connectTo = (port: number) => createClient({ socket: { host: '127.0.0.1', port } });
type NodeRedis = ReturnType<typeof connectTo>;
type Mode = 'direct' | 'pipeline x100' | 'multi x20';

interface Way {
  name: string;
  direct(r: NodeRedis, key: string, id: string): Promise<unknown>;
  queue(chain: Chain, key: string, id: string): void;
}

function ways(spec: ScriptSpec): Way[] {
  return [
    {
      name: 'raw EVALSHA',
      direct: (r, key, id) => r.sendCommand(['EVALSHA', spec.sha, '1', key, id]),
      queue: (c, key, id) => void c.addCommand(['EVALSHA', spec.sha, '1', key, id]),
    },
    {
      name: 'wrapper',
      direct: (r, key, id) => runScript(spec, r, { log: key, id }),
      queue: (c, key, id) => void queueScript(spec, c, { log: key, id }),
    },
  ];
}

async function batch(redis: NodeRedis, mode: Exclude<Mode, 'direct'>, add: (c: Chain, i: number) => void): Promise<void> {
  const multi = redis.multi();
  const size = mode === 'pipeline x100' ? 100 : 20;
  for (let i = 0; i < size; i++) add(multi, i);
  await (mode === 'pipeline x100' ? multi.execAsPipeline() : multi.exec());
}

async function measure(redis: NodeRedis, way: Way, mode: Mode, calls: number): Promise<{ cpu: number; ops: number }> {
  const key = `bench:${way.name}`;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (mode === 'direct') {
    let next = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < calls) await way.direct(redis, key, `i${next++ % 1000}`);
      }),
    );
  } else {
    const size = mode === 'pipeline x100' ? 100 : 20;
    for (let done = 0; done < calls; done += size) await batch(redis, mode, (c, i) => way.queue(c, key, `i${i}`));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  return { cpu: (used.user + used.system) / calls, ops: calls / seconds };
}

async function bytesTable(redis: NodeRedis, other: Redis): Promise<void> {
  console.log('\nnode-redis: bytes sent (INFO stats total_net_input_bytes), wrapper / raw EVALSHA; the script is loaded first for raw');
  console.log('| batch | script | raw EVALSHA | wrapper | ratio | goal |');
  console.log('| --- | --- | ---: | ---: | ---: | --- |');
  for (const [label, spec] of [['small', SMALL], ['5 kB', LARGE]] as const) {
    const [raw, wrapper] = ways(spec);
    for (const [mode, goal] of [['pipeline x100', 2], ['multi x20', 4]] as const) {
      await other.script('LOAD', spec.lua);
      const rawBytes = await bytesOf(() => other.info('stats'), () => batch(redis, mode, (c, i) => raw!.queue(c, 'bytes:raw', `i${i}`)));
      const wrapped = await bytesOf(() => other.info('stats'), () => batch(redis, mode, (c, i) => wrapper!.queue(c, 'bytes:wrap', `i${i}`)));
      const ratio = wrapped / rawBytes;
      console.log(`| ${mode} | ${label} (${spec.lua.length} B) | ${rawBytes} | ${wrapped} | ${ratio.toFixed(2)}x | <= ${goal}x ${ratio <= goal ? 'met' : 'MISSED'} |`);
    }
  }
}

async function cpuTable(redis: NodeRedis, other: Redis): Promise<void> {
  const goals: Record<Mode, number> = { direct: 0.95, 'pipeline x100': 0.9, 'multi x20': 0.85 };
  console.log(`\nnode-redis: client CPU per call and throughput, median of ${ROUNDS} interleaved rounds of ${CALLS} calls`);
  console.log('| mode | script | way | CPU µs/call | ops/s | ops/s vs raw (median of round ratios) | extra CPU µs/call vs raw | goal |');
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const [label, spec] of [['small', SMALL], ['5 kB', LARGE]] as const) {
    await other.script('LOAD', spec.lua);
    const all = ways(spec);
    await printModes(goals, label, all.map((w) => w.name), (i, mode, calls) => measure(redis, all[i]!, mode, calls), { rounds: ROUNDS, calls: CALLS });
  }
}

async function main(): Promise<void> {
  const server = await startStandalone();
  const redis = connectTo(server.port);
  const other = new Redis({ host: '127.0.0.1', port: server.port });
  try {
    await redis.connect();
    console.log(pinBoth(await other.info('server')));
    const version = (await import('redis/package.json', { with: { type: 'json' } })).default.version;
    console.log(`redis-luagen runtime benchmark, node-redis: node ${process.version}, redis (node-redis) ${version}, RESP3`);
    await bytesTable(redis, other);
    await cpuTable(redis, other);
  } finally {
    await redis.close();
    other.disconnect();
    await server.stop();
  }
}

await main();
