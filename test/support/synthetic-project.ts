// A seeded synthetic project of realistic annotated scripts (rate limits, locks, queues,
// leaderboards, token buckets, idempotency, counters, sessions), shaped like the scripts
// real projects ship: 10 to 45 lines, helper functions, loops, cjson, a few shared
// includes. Every script builds with no error. Used by `npm run bench:speed` and the tests
// of parallel builds.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rng } from './lua-gen.js';

type Rand = () => number;


const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

interface Script {
  doc: string;
  keys: Array<[string, string]>;
  args: Array<[string, string]>;
  returns: string;
  flags?: string;
  includes?: string[];
  body: string[];
}

/** Extra work a script does before its main block: bookkeeping that real scripts carry. */
function extras(r: Rand, keyIndex: number, argIndex: number, s: Script): void {
  if (r() < 0.5) {
    s.keys.push(['events', 'stream of audit events']);
    s.args.push(['actor', 'string']);
    const k = keyIndex + 1;
    const a = argIndex + 1;
    s.body.unshift(
      `local function audit(kind, detail)`,
      `  redis.call('XADD', KEYS[${k}], 'MAXLEN', '~', ${int(r, 100, 10000)}, '*', 'kind', kind, 'actor', ARGV[${a}], 'detail', detail)`,
      `end`,
      '',
    );
    // before the script's final return
    s.body.splice(s.body.length - 1, 0, `audit('${pick(r, ['touch', 'update', 'check', 'admit'])}', tostring(${pick(r, ['#KEYS', '#ARGV', '0'])}))`);
  }
  if (r() < 0.3) {
    s.body.unshift(
      `local function clamp(v, lo, hi)`,
      `  if v < lo then`,
      `    return lo`,
      `  elseif v > hi then`,
      `    return hi`,
      `  end`,
      `  return v`,
      `end`,
      '',
    );
  }
}

const TEMPLATES: Array<(r: Rand, n: number) => Script> = [
  (r) => ({
    doc: 'Fixed-window rate limiter: counts requests in the current window.',
    keys: [['counter', 'the window counter']],
    args: [['limit', 'integer'], ['windowSeconds', 'integer']],
    returns: '[boolean, integer]',
    body: [
      `local limit = tonumber(ARGV[1])`,
      `local used = redis.call('INCR', KEYS[1])`,
      `if used == 1 then`,
      `  redis.call('EXPIRE', KEYS[1], ARGV[2])`,
      `end`,
      `if used > limit then`,
      `  local ttl = redis.call('TTL', KEYS[1])`,
      `  if ttl < 0 then`,
      `    redis.call('EXPIRE', KEYS[1], ARGV[2])`,
      `  end`,
      `  return { false, ${int(r, 0, 3)} }`,
      `end`,
      `return { true, limit - used }`,
    ],
  }),
  (r) => ({
    doc: 'Sliding-window rate limiter over a sorted set of request ids.',
    keys: [['window', 'sorted set of admitted request ids']],
    args: [['now', 'integer'], ['windowMs', 'integer'], ['limit', 'integer'], ['requestId', 'string']],
    returns: '[boolean, integer]',
    body: [
      `local now = tonumber(ARGV[1])`,
      `local windowMs = tonumber(ARGV[2])`,
      `local limit = tonumber(ARGV[3])`,
      `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)`,
      `local used = redis.call('ZCARD', KEYS[1])`,
      `if used >= limit then`,
      `  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')`,
      `  local retry = 0`,
      `  if oldest[2] then`,
      `    retry = tonumber(oldest[2]) + windowMs - now`,
      `  end`,
      `  return { false, retry }`,
      `end`,
      `redis.call('ZADD', KEYS[1], now, ARGV[4])`,
      `redis.call('PEXPIRE', KEYS[1], windowMs + ${int(r, 0, 1000)})`,
      `return { true, limit - used - 1 }`,
    ],
  }),
  (r) => ({
    doc: 'Token bucket: refills at a rate and takes tokens when enough are left.',
    keys: [['bucket', 'hash with tokens and ts']],
    args: [['rate', 'number'], ['capacity', 'integer'], ['now', 'integer'], ['cost', 'integer']],
    returns: '[boolean, integer]',
    body: [
      `local rate = tonumber(ARGV[1])`,
      `local capacity = tonumber(ARGV[2])`,
      `local now = tonumber(ARGV[3])`,
      `local cost = tonumber(ARGV[4])`,
      `local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')`,
      `local tokens = tonumber(state[1]) or capacity`,
      `local ts = tonumber(state[2]) or now`,
      `local elapsed = math.max(0, now - ts)`,
      `tokens = math.min(capacity, tokens + elapsed * rate / ${pick(r, [1000, 1, 60000])})`,
      `local allowed = tokens >= cost`,
      `if allowed then`,
      `  tokens = tokens - cost`,
      `end`,
      `redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)`,
      `redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * ${int(r, 1000, 5000)}))`,
      `return { allowed, math.floor(tokens) }`,
    ],
  }),
  (r) => ({
    doc: 'Takes or extends a lock for its owner.',
    keys: [['lock', 'the lock key']],
    args: [['owner', 'string'], ['ttlMs', 'integer']],
    returns: 'integer',
    body: [
      `local holder = redis.call('GET', KEYS[1])`,
      `if holder == false then`,
      `  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`,
      `  return 1`,
      `elseif holder == ARGV[1] then`,
      `  redis.call('PEXPIRE', KEYS[1], ARGV[2])`,
      `  return ${int(r, 2, 3)}`,
      `end`,
      `return 0`,
    ],
  }),
  (r) => ({
    doc: 'Moves up to `count` jobs from the waiting list to the active list, stamping each.',
    keys: [['waiting', 'list of waiting job ids'], ['active', 'list of active job ids'], ['started', 'hash job id -> start time']],
    args: [['count', 'integer'], ['now', 'integer']],
    returns: 'string[]',
    body: [
      `local moved = {}`,
      `local count = tonumber(ARGV[1])`,
      `for i = 1, count do`,
      `  local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])`,
      `  if not id then`,
      `    break`,
      `  end`,
      `  redis.call('HSET', KEYS[3], id, ARGV[2])`,
      `  moved[#moved + 1] = id`,
      `end`,
      `if #moved > ${int(r, 0, 5)} then`,
      `  redis.call('PEXPIRE', KEYS[3], ${int(r, 10000, 90000)})`,
      `end`,
      `return moved`,
    ],
  }),
  (r) => ({
    doc: 'Adds points to a player and returns the new rank and the top entries.',
    keys: [['board', 'sorted set of players by score']],
    args: [['player', 'string'], ['points', 'number']],
    returns: '[integer, string, string[]]',
    body: [
      `local score = redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])`,
      `local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])`,
      `local top = redis.call('ZREVRANGE', KEYS[1], 0, ${int(r, 2, 20)})`,
      `local size = redis.call('ZCARD', KEYS[1])`,
      `if size > ${int(r, 1000, 100000)} then`,
      `  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - ${int(r, 1000, 100000)} - 1)`,
      `end`,
      `return { rank, score, top }`,
    ],
  }),
  (r) => ({
    doc: 'Merges JSON fields into a stored document and bumps its version.',
    keys: [['doc', 'string holding a JSON object'], ['versions', 'hash of document versions']],
    args: [['patch', 'json'], ['id', 'string']],
    returns: 'integer',
    body: [
      `local current = redis.call('GET', KEYS[1])`,
      `local doc = {}`,
      `if current then`,
      `  doc = cjson.decode(current)`,
      `end`,
      `local patch = cjson.decode(ARGV[1])`,
      `for field, value in pairs(patch) do`,
      `  if value == cjson.null then`,
      `    doc[field] = nil`,
      `  else`,
      `    doc[field] = value`,
      `  end`,
      `end`,
      `redis.call('SET', KEYS[1], cjson.encode(doc)${r() < 0.5 ? `, 'EX', ${int(r, 60, 86400)}` : ''})`,
      `return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)`,
    ],
  }),
  (r) => ({
    doc: 'Sums counters; missing counters count as 0.',
    keys: [['...counters', 'the counter keys']],
    args: [],
    returns: 'integer',
    flags: 'no-writes',
    body: [
      `local total = 0`,
      `for _, key in ipairs(KEYS) do`,
      `  total = total + (tonumber(redis.call('GET', key)) or 0)`,
      `end`,
      `return total * ${int(r, 1, 3)}`,
    ],
  }),
  (r) => ({
    doc: 'Claims an idempotency key or returns the stored response.',
    keys: [['idem', 'the idempotency key']],
    args: [['pending', 'json'], ['ttlSeconds', 'integer']],
    returns: 'json',
    body: [
      `local stored = redis.call('GET', KEYS[1])`,
      `if stored then`,
      `  return stored`,
      `end`,
      `redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]${r() < 0.5 ? ", 'NX'" : ''})`,
      `return nil`,
    ],
  }),
  (r) => ({
    doc: 'Touches a session and trims its recent-pages list.',
    keys: [['session', 'hash of session fields'], ['pages', 'list of recent pages']],
    args: [['page', 'string'], ['now', 'integer'], ['ttlSeconds', 'integer']],
    returns: 'integer',
    includes: ['lua-lib/refresh-ttl.lua'],
    body: [
      `redis.call('HSET', KEYS[1], 'seen', ARGV[2], 'page', ARGV[1])`,
      `redis.call('LPUSH', KEYS[2], ARGV[1])`,
      `redis.call('LTRIM', KEYS[2], 0, ${int(r, 5, 50)})`,
      `refreshTtl(KEYS[1], tonumber(ARGV[3]))`,
      `refreshTtl(KEYS[2], tonumber(ARGV[3]))`,
      `return redis.call('LLEN', KEYS[2])`,
    ],
  }),
];

const INCLUDED: Record<string, string> = {
  'lua-lib/refresh-ttl.lua': [
    `-- Sets a key's TTL when it has none or a shorter one.`,
    `local function refreshTtl(key, seconds)`,
    `  local ttl = redis.call('TTL', key)`,
    `  if ttl < seconds then`,
    `    redis.call('EXPIRE', key, seconds)`,
    `  end`,
    `end`,
    '',
  ].join('\n'),
};

function render(s: Script): string {
  const lines: string[] = [];
  if (s.flags) lines.push(`#!lua flags=${s.flags}`);
  lines.push(`--- ${s.doc}`);
  for (const [name, doc] of s.keys) lines.push(`---@key ${name}  ${doc}`);
  for (const [name, type] of s.args) lines.push(`---@arg ${name} ${type}`);
  lines.push(`---@return ${s.returns}`);
  for (const inc of s.includes ?? []) lines.push(`--- @include "../../${inc.replace(/\.lua$/, '')}"`);
  lines.push(...s.body);
  return lines.join('\n') + '\n';
}

export interface Project {
  root: string;
  /** Project-relative paths of the scripts (not the included files). */
  scripts: string[];
  lines: number;
}

/** Writes `count` scripts (seeded) under root/scripts, with a config and a .luacheckrc. */
export function writeProject(root: string, count: number, seed: number): Project {
  rmSync(root, { recursive: true, force: true });
  const r = rng(seed);
  const scripts: string[] = [];
  let lines = 0;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
    lines += text.split('\n').length - 1;
  };
  for (const [rel, text] of Object.entries(INCLUDED)) write(rel, text);
  for (let i = 0; i < count; i++) {
    const s = pick(r, TEMPLATES)(r, i);
    if (!s.keys[0]?.[0].startsWith('...')) extras(r, s.keys.length, s.args.length, s);
    const rel = `scripts/${pick(r, ['limits', 'locks', 'queues', 'boards', 'docs', 'sessions', 'billing', 'search'])}/s${String(i).padStart(4, '0')}-${pick(r, ['check', 'take', 'move', 'update', 'touch', 'claim'])}.lua`;
    write(rel, render(s));
    scripts.push(rel);
  }
  writeFileSync(
    join(root, 'redis-luagen.config.json'),
    JSON.stringify({ include: ['scripts/**/*.lua'], rootDir: 'scripts', outDir: 'src/generated', minify: 'full' }, null, 2) + '\n',
  );
  writeFileSync(join(root, '.luacheckrc'), `std = "lua51"\nread_globals = { "redis", "KEYS", "ARGV", "cjson", "cmsgpack", "bit", "struct" }\nallow_defined_top = true\nunused = false\n`);
  return { root, scripts, lines };
}
