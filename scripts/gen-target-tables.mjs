// Derives the command tables of the servers a script can target from each server's published
// command JSON (its src/commands/*.json, bundled per release in ../shared/reference/commands/).
// The base is the table read from a real Redis 7.0.15 (src/analyze/data/redis-commands.json,
// scripts/gen-redis-data.mjs); a target is that base plus the commands its release adds and
// minus the ones it lacks, each converted to the base's shape. Redis 8.0 and Valkey 9.0 are
// not bundled releases: the commands scripts use that they add to 7.4.1 and 8.0.1 are
// transcribed below from their src/commands/*.json.
//
//   src/analyze/data/redis-targets.json   { targets: { "<server>@<version>": { label, release,
//                                           base, added: { name: CommandInfo & { since } }, removed } } }
//
// Usage: node scripts/gen-target-tables.mjs [--reference ../shared/reference/commands]
// Sorted output: the same inputs give the same bytes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const refArg = process.argv.indexOf('--reference');
const REFERENCE = refArg > 0 ? process.argv[refArg + 1] : join(import.meta.dirname, '..', '..', 'shared', 'reference', 'commands');
const OUT = join(import.meta.dirname, '..', 'src', 'analyze', 'data', 'redis-targets.json');

const key = (pos) => ({ begin_search: { index: { pos } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } });
/** Redis 8.0.0's HGETEX, HSETEX, HGETDEL: the fields this table uses, as their JSON files give them. */
const REDIS_8_0 = {
  HGETEX: { since: '8.0.0', arity: -5, command_flags: ['WRITE', 'FAST'], key_specs: [{ flags: ['RW', 'ACCESS', 'UPDATE'], ...key(1) }] },
  HSETEX: { since: '8.0.0', arity: -6, command_flags: ['WRITE', 'DENYOOM', 'FAST'], key_specs: [{ flags: ['RW', 'UPDATE'], ...key(1) }] },
  HGETDEL: { since: '8.0.0', arity: -5, command_flags: ['WRITE', 'FAST'], key_specs: [{ flags: ['RW', 'ACCESS', 'DELETE'], ...key(1) }] },
};

/**
 * Valkey 9.0.0's commands beyond 8.0.1 that scripts call: hash-field expiry and DELIFEQ, each
 * as its src/commands/*.json in the Valkey repository gives it (since 9.0.0).
 */
const field = (flags, command_flags, arity) => ({ since: '9.0.0', arity, command_flags, key_specs: [{ flags, ...key(1) }] });
const VALKEY_9_0 = {
  HSETEX: field(['RW', 'INSERT'], ['WRITE', 'DENYOOM', 'FAST'], -6),
  HGETEX: field(['RW', 'ACCESS'], ['WRITE', 'FAST'], -5),
  HEXPIRE: field(['RW', 'UPDATE'], ['WRITE', 'FAST'], -6),
  HPEXPIRE: field(['RW', 'UPDATE'], ['WRITE', 'DENYOOM', 'FAST'], -6),
  HEXPIREAT: field(['RW', 'UPDATE'], ['WRITE', 'FAST'], -6),
  HPEXPIREAT: field(['RW', 'UPDATE'], ['WRITE', 'FAST'], -6),
  HPERSIST: field(['RW', 'UPDATE'], ['WRITE', 'FAST'], -5),
  HTTL: field(['RO', 'ACCESS'], ['READONLY', 'FAST'], -5),
  HPTTL: field(['RO', 'ACCESS'], ['READONLY', 'FAST'], -5),
  HEXPIRETIME: field(['RO', 'ACCESS'], ['READONLY', 'FAST'], -5),
  HPEXPIRETIME: field(['RO', 'ACCESS'], ['READONLY', 'FAST'], -5),
  DELIFEQ: field(['RM', 'ACCESS', 'DELETE'], ['WRITE'], 3),
};

/** Every command of a bundled release, by table name (`parent|sub` for subcommands). */
function release(file) {
  const data = JSON.parse(readFileSync(join(REFERENCE, file), 'utf8'));
  const out = {};
  for (const doc of Object.values(data.files)) {
    for (const [name, spec] of Object.entries(doc)) {
      const full = spec.container ? `${spec.container.toLowerCase()}|${name.toLowerCase()}` : name.toLowerCase();
      out[full] = spec;
    }
  }
  return { server: data.server, version: data.version, commands: out };
}

const KEY_ACCESS = new Set(['RW', 'RO', 'OW', 'RM']);

function keySpec(spec) {
  const bs = spec.begin_search ?? {};
  const fk = spec.find_keys ?? {};
  const beginSearch = bs.index
    ? { type: 'index', spec: { index: bs.index.pos } }
    : bs.keyword
      ? { type: 'keyword', spec: { keyword: bs.keyword.keyword, startfrom: bs.keyword.startfrom } }
      : { type: 'unknown', spec: {} };
  const findKeys = fk.range
    ? { type: 'range', spec: { keystep: fk.range.step, lastkey: fk.range.lastkey, limit: fk.range.limit } }
    : fk.keynum
      ? { type: 'keynum', spec: { firstkey: fk.keynum.firstkey, keynumidx: fk.keynum.keynumidx, keystep: fk.keynum.step } }
      : { type: 'unknown', spec: {} };
  const flags = (spec.flags ?? []).map((f) => (KEY_ACCESS.has(f) ? f : f.toLowerCase())).sort();
  return { beginSearch, findKeys, flags };
}

/**
 * first/last/step and movablekeys as COMMAND reports them: plain index+range specs that follow
 * one another (RENAME's source then destination) merge into one range; anything else makes
 * the keys movable.
 */
function legacyRange(specs) {
  let range;
  let movable = false;
  for (const k of specs) {
    const plain = k.beginSearch.type === 'index' && k.findKeys.type === 'range' && k.findKeys.spec.limit === 0;
    if (!plain) {
      movable = true;
      continue;
    }
    const { index } = k.beginSearch.spec;
    const { lastkey, keystep } = k.findKeys.spec;
    const last = lastkey >= 0 ? index + lastkey : lastkey;
    if (!range) range = { first: index, last, step: keystep };
    else if (range.last >= 0 && index === range.last + range.step && keystep === range.step) range.last = last;
    else movable = true;
  }
  return { ...(range ?? { first: 0, last: 0, step: 0 }), movable };
}

function entry(name, spec, subcommands) {
  const keySpecs = (spec.key_specs ?? []).map(keySpec);
  const flags = (spec.command_flags ?? []).map((f) => f.toLowerCase());
  const { movable, ...range } = legacyRange(keySpecs);
  if (movable && !flags.includes('movablekeys')) flags.push('movablekeys');
  return {
    name,
    arity: spec.arity,
    flags: flags.sort(),
    ...range,
    keySpecs,
    // A command scripts cannot call is refused for that reason first (the live probe shows it).
    refusedInReadOnly: !flags.includes('noscript') && (flags.includes('write') || flags.includes('may_replicate')),
    since: spec.since,
    ...(name.includes('|') ? {} : { subcommands: subcommands.sort() }),
  };
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

const base = release('redis-7.0.15.json');
const TARGETS = [
  { id: 'redis@7.2', label: 'Redis 7.2.6', file: 'redis-7.2.6.json' },
  { id: 'redis@7.4', label: 'Redis 7.4.1', file: 'redis-7.4.1.json' },
  { id: 'redis@8', label: 'Redis 8.0', file: 'redis-7.4.1.json', extra: REDIS_8_0, release: '8.0.0 (7.4.1 plus HGETEX, HSETEX, HGETDEL)' },
  { id: 'valkey@7.2', label: 'Valkey 7.2.7', file: 'valkey-7.2.7.json' },
  { id: 'valkey@8', label: 'Valkey 8.0.1', file: 'valkey-8.0.1.json' },
  { id: 'valkey@9', label: 'Valkey 9.0', file: 'valkey-8.0.1.json', extra: VALKEY_9_0, release: '9.0.0 (8.0.1 plus the hash-field expiry commands and DELIFEQ)' },
];

const targets = {};
for (const t of TARGETS) {
  const r = release(t.file);
  const commands = { ...r.commands, ...Object.fromEntries(Object.entries(t.extra ?? {}).map(([n, s]) => [n.toLowerCase(), s])) };
  const subsOf = (parent) => Object.keys(commands).filter((n) => n.startsWith(`${parent}|`)).map((n) => n.split('|')[1]);
  const added = {};
  for (const [name, spec] of Object.entries(commands)) if (!base.commands[name]) added[name] = entry(name, spec, subsOf(name));
  const removed = Object.keys(base.commands).filter((n) => !commands[n]).sort();
  targets[t.id] = { label: t.label, release: t.release ?? r.version, added, removed };
}
const out = { generatedBy: 'scripts/gen-target-tables.mjs', base: `redis ${base.version}`, targets };
writeFileSync(OUT, JSON.stringify(sortKeys(out), null, 1) + '\n');
console.log(Object.entries(targets).map(([id, t]) => `${id}: +${Object.keys(t.added).length} -${t.removed.length}`).join('\n'));

// The converter, checked on the base: the release JSON of 7.0.15 against what the live 7.0.15 said.
const live = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'src', 'analyze', 'data', 'redis-commands.json'), 'utf8')).commands;
let same = 0;
const differ = [];
for (const [name, spec] of Object.entries(base.commands)) {
  const mine = entry(name, spec, []);
  const real = live[name];
  if (!real) continue;
  const pick = (e) => JSON.stringify(sortKeys({ arity: e.arity, first: e.first, last: e.last, step: e.step, keySpecs: e.keySpecs, movable: e.flags.includes('movablekeys'), ro: e.refusedInReadOnly && e.flags.includes('write') }));
  if (pick(mine) === pick(real)) same++;
  else differ.push(name);
}
console.log(`converter on 7.0.15: ${same} commands as the live server says, ${differ.length} differ${differ.length ? `: ${differ.slice(0, 20).join(', ')}` : ''}`);
