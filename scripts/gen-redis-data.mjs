// Writes the environment the checker reads, from a real redis-server:
//   src/analyze/data/redis-commands.json  COMMAND (name, arity, flags, first/last/step, key_specs,
//                                          subcommands as "parent|sub" entries)
//   src/analyze/data/redis-sandbox.json   the names in _G and the members of the Redis libraries
//   Every command is also probed inside a `#!lua flags=no-writes` script: `refusedInReadOnly`
//   marks those Redis refuses there (write commands, and PUBLISH/SPUBLISH/PFCOUNT, whose
//   may-replicate flag COMMAND does not show). The probe runs commands, so it always uses a
//   throwaway server that this script starts and stops.
// Usage: node scripts/gen-redis-data.mjs [--server path/to/redis-server] [--out folder]
// The output is sorted, so regenerating against the same server gives the same bytes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? process.argv[outArg + 1] : join(import.meta.dirname, '..', 'src', 'analyze', 'data');
const LIBRARIES = ['redis', 'string', 'table', 'math', 'cjson', 'cmsgpack', 'bit', 'struct', 'coroutine'];

function cli(port, ...args) {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--json', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 || r.stdout.startsWith('(error)') || /^"?ERR/.test(r.stdout)) throw new Error(`redis-cli ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

function entry(row) {
  const [name, arity, flags, first, last, step, _acl, _tips, keySpecs, subcommands] = row;
  return {
    name,
    arity,
    flags: [...flags].sort(),
    first,
    last,
    step,
    keySpecs: keySpecs.map((s) => ({ flags: [...s.flags].sort(), beginSearch: s.begin_search, findKeys: s.find_keys })),
    subcommands: (subcommands ?? []).map(entry),
  };
}

async function main() {
  const i = process.argv.indexOf('--server');
  const binary = i > 0 ? process.argv[i + 1] : 'redis-server';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-luagen-data-'));
  const server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let t = 0; t < 100; t++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.includes('PONG')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    const version = cli(port, 'EVAL', 'return redis.REDIS_VERSION', '0');
    const commands = {};
    for (const row of cli(port, 'COMMAND')) {
      const e = entry(row);
      const { subcommands, ...top } = e;
      commands[e.name] = { ...top, subcommands: subcommands.map((s) => s.name.split('|')[1]).sort() };
      for (const sub of subcommands) {
        const { subcommands: _ignored, ...rest } = sub;
        commands[sub.name] = rest;
      }
    }
    const probe = [
      '#!lua flags=no-writes',
      'local out = {}',
      'for i = 1, #ARGV, 2 do',
      '  local name, n = ARGV[i], tonumber(ARGV[i + 1])',
      "  local args = {} for w in string.gmatch(name, '[^|]+') do args[#args + 1] = w end",
      "  while #args < n do args[#args + 1] = 'x' end",
      '  local r = redis.pcall(unpack(args))',
      "  if type(r) == 'table' and r.err and string.find(r.err, 'Write commands are not allowed', 1, true) then out[#out + 1] = name end",
      'end',
      'return out',
    ].join('\n');
    const probeArgs = Object.values(commands)
      .filter((c) => !c.flags.includes('noscript') && !(c.subcommands?.length))
      .flatMap((c) => [c.name, String(Math.abs(c.arity))]);
    const refused = new Set(cli(port, 'EVAL', probe, '0', ...probeArgs));
    for (const c of Object.values(commands)) c.refusedInReadOnly = refused.has(c.name);
    const listing = (table) =>
      `local r = {} for k, v in pairs(${table}) do r[#r + 1] = tostring(k) .. ':' .. type(v) end table.sort(r) return r`;
    const pairsOf = (rows) => Object.fromEntries(rows.map((r) => r.split(':')).map(([k, t]) => [k, t]));
    const sandbox = {
      globals: pairsOf(cli(port, 'EVAL', listing('_G'), '0')),
      libraries: Object.fromEntries(LIBRARIES.map((lib) => [lib, pairsOf(cli(port, 'EVAL', listing(lib), '0'))])),
    };
    const header = { redisVersion: version, generatedBy: 'scripts/gen-redis-data.mjs' };
    writeFileSync(join(OUT, 'redis-commands.json'), JSON.stringify(sortKeys({ ...header, commands }), null, 1) + '\n');
    writeFileSync(join(OUT, 'redis-sandbox.json'), JSON.stringify(sortKeys({ ...header, ...sandbox }), null, 1) + '\n');
    console.log(`redis ${version}: ${Object.keys(commands).length} commands, ${Object.keys(sandbox.globals).length} globals -> ${OUT}`);
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
