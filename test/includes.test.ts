// `--- @include "path"` (BullMQ's form) and preludes from the config: the composed script is
// checked and compiled; every finding points at the file and line it is in; included files
// are libraries (no wrapper of their own); errors in includes are found once.
import { describe, expect, it } from 'vitest';
import { compileProject, type ScriptInput } from '../src/compile-project.js';
import { readRuntimeTemplate } from '../src/io/files.js';
import { validateConfig } from '../src/config/config.js';
import type { ScriptSpec } from '../templates/runtime.js';

async function build(files: Record<string, string>, config: Record<string, unknown> = {}, outside: Record<string, string> = {}) {
  const input: ScriptInput[] = Object.entries(files).map(([path, bytes]) => ({ path, bytes }));
  return compileProject({
    config: validateConfig('inline', { outDir: 'gen', ...config }),
    files: input,
    runtimeTemplate: readRuntimeTemplate(),
    readSource: (p) => outside[p],
  });
}

const plain = (r: Awaited<ReturnType<typeof build>>) => r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);

/** The ScriptSpec literal of a generated wrapper, read back from its text. */
function specOf(text: string): ScriptSpec {
  const literal = /Script: ScriptSpec = (\{[\s\S]*?\n\});/.exec(text)?.[1] as string;
  return new Function(`return (${literal});`)() as ScriptSpec;
}

const QUEUE = {
  'commands/moveToActive.lua': `---@key wait {tagged}
---@key active {tagged}
---@return string?
local rcall = redis.call
--- @include "includes/popJob"
--- @include "includes/markActive"
return popJob(KEYS[1], KEYS[2])
`,
  'commands/countJobs.lua': `---@key wait
---@return integer
--- @include 'includes/markActive.lua'
return redis.call('LLEN', KEYS[1])
`,
  'commands/includes/popJob.lua': `--[[ Moves the next job from wait to active. ]]
--- @include "markActive"
local function popJob(wait, active)
  local id = rcall('RPOPLPUSH', wait, active)
  if id then markActive(active, id) end
  return id
end
`,
  'commands/includes/markActive.lua': `local function markActive(active, id)
  return rcall('PUBLISH', active .. ':events', id)
end
`,
};

describe('@include', () => {
  it('inlines includes (recursively, each file once) and builds wrappers for scripts only', async () => {
    const r = await build(QUEUE, { rules: { 'tagged-derived-key': 'off' } });
    // countJobs does not call markActive (its PUBLISH cannot run there): it only reads.
    expect(plain(r)).toEqual(['commands/countJobs.lua:4:1 RL107 no command in the script writes: it could be flagged no-writes']);
    expect(r.scripts.map((s) => [s.path, s.status, s.includes])).toEqual([
      ['commands/countJobs.lua', 'built', ['commands/includes/markActive.lua']],
      ['commands/moveToActive.lua', 'built', ['commands/includes/popJob.lua', 'commands/includes/markActive.lua']],
    ]);
    expect([...r.outputs.keys()].sort()).toEqual(['commands/countJobs.ts', 'commands/moveToActive.ts', 'index.ts', 'redis-luagen-runtime.ts']);
    const spec = specOf(r.outputs.get('commands/moveToActive.ts') as string);
    expect(spec.lua.match(/PUBLISH/g)).toHaveLength(1); // markActive inlined once
    expect(spec.files).toEqual(['commands/moveToActive.lua', 'commands/includes/popJob.lua', 'commands/includes/markActive.lua']);
    // The line that calls RPOPLPUSH maps to popJob.lua line 4.
    const sent = spec.lua.split('\n').findIndex((l) => l.includes('RPOPLPUSH'));
    expect([spec.files?.[spec.lineFiles?.[sent] as number], spec.lineMap?.[sent]]).toEqual(['commands/includes/popJob.lua', 4]);
  });

  it('reports a finding in an included file at that file and line, once for all the scripts that include it', async () => {
    const files = { ...QUEUE, 'commands/includes/markActive.lua': `local function markActive(active, id)\n  return rcall('INCR', 'events')\nend\n` };
    const r = await build(files, { rules: { 'tagged-derived-key': 'off', 'could-be-read-only': 'off' } });
    expect(plain(r)).toEqual(['commands/includes/markActive.lua:2:24 RL101 INCR uses as a key the literal "events" (commands/includes/markActive.lua line 2), not a KEYS value']);
  });

  it('refuses a missing include, a cycle, and a file included twice by one file (RL008, at the line)', async () => {
    const missing = await build({ 'a.lua': `---@return integer\n--- @include "nope"\nreturn 1\n` });
    expect(plain(missing)).toEqual(['a.lua:2:1 RL008 include not found: "nope" (nope.lua)']);
    const cycle = await build({ 'a.lua': `---@return integer\n--- @include "lib/x"\nreturn 1\n`, 'lib/x.lua': `--- @include "y"\n`, 'lib/y.lua': `--- @include "x"\n` });
    expect(plain(cycle)).toEqual(['lib/y.lua:1:1 RL008 including "x" makes a cycle: a.lua -> lib/x.lua -> lib/y.lua -> lib/x.lua']);
    const twice = await build({ 'a.lua': `---@return integer\n--- @include "lib/x"\n--- @include "lib/x"\nreturn 1\n`, 'lib/x.lua': `local x = 1\n` });
    expect(plain(twice)).toEqual(['a.lua:3:1 RL008 "lib/x" is included twice in this file']);
  });

  it('reads an included file outside the scripts through the reader, and refuses paths outside the project', async () => {
    const r = await build({ 'a.lua': `---@key k\n---@return integer\n--- @include "../shared/incr"\nreturn incr(KEYS[1])\n` });
    expect(plain(r)).toEqual(['a.lua:3:1 RL008 cannot include "../shared/incr" is outside the project']);
    const ok = await build({ 'lua/a.lua': `---@key k\n---@return integer\n--- @include "~/shared/incr"\nreturn incr(KEYS[1])\n` }, {}, { 'shared/incr.lua': `local function incr(k) return redis.call('INCR', k) end\n` });
    expect(plain(ok)).toEqual([]);
  });
});

describe('preludes and contracts from the config', () => {
  it('prepends preludes after the leading comments, so their locals are defined', async () => {
    const files = {
      'redis/refs.lua': `local settings_key = KEYS[1]\nlocal now = tonumber(ARGV[1])\n`,
      'redis/check.lua': `-- Returns the settings of a limiter.\nreturn redis.call('HGET', settings_key, 'maxConcurrent') or now\n`,
    };
    const r = await build(files, { contracts: [{ files: 'redis/check.lua', prelude: ['redis/refs.lua'], keys: ['settings'], args: [{ name: 'now', type: 'integer' }], returns: 'any' }] });
    expect(plain(r)).toEqual(['redis/check.lua:2:1 RL107 no command in the script writes: it could be flagged no-writes']);
    expect(r.scripts.map((s) => s.path)).toEqual(['redis/check.lua']);
  });

  it("BullMQ's name-N.lua convention: N keys, the name without -N, tagged keys and a tagged prefix arg", async () => {
    const r = await build(
      { 'commands/addLog-2.lua': `local id = ARGV[1]\nredis.call('RPUSH', KEYS[2], ARGV[2])\nreturn redis.call('HSET', ARGV[3] .. id, 'log', 1)\n` },
      { contracts: [{ files: 'commands/*-*.lua', keys: 'fromFileName', taggedKeys: true }, { files: 'commands/addLog-2.lua', args: ['id', 'log', { name: 'prefix', tagged: true }] }] },
    );
    expect(plain(r)).toEqual(['commands/addLog-2.lua:3:27 RL112 HSET uses a key built from ARGV[3] (prefix): it is in the right slot, but Redis does not see it, so it is not safe while that slot migrates']);
    const spec = specOf(r.outputs.get('commands/addLog-2.ts') as string);
    expect(spec.name).toBe('addLog');
    expect(spec.keys).toEqual([{ name: 'key1', tagged: true }, { name: 'key2', tagged: true }]);
    expect(spec.args.map((a) => [a.name, a.tagged ?? false])).toEqual([['id', false], ['log', false], ['prefix', true]]);
  });

  it('an annotation in the file wins over the config; a name from the config resolves a collision', async () => {
    const r = await build(
      { 'a/index.lua': `---@key k\n---@return integer\nreturn redis.call('INCR', KEYS[1])\n`, 'b/index.lua': `return redis.call('GET', KEYS[1])\n` },
      { contracts: [{ files: '*/index.lua', keys: ['x', 'y'], returns: 'string?' }, { files: 'b/index.lua', name: 'readB' }] },
    );
    // Keys from the config are the callers' interface: one the script does not read is not reported.
    expect(plain(r)).toEqual(['b/index.lua:1:1 RL107 no command in the script writes: it could be flagged no-writes']);
    expect(specOf(r.outputs.get('a/index.ts') as string).keys).toEqual([{ name: 'k' }]);
    expect(specOf(r.outputs.get('b/index.ts') as string).name).toBe('readB');
  });

  it('prefixArgs "tagged": the args the script builds key names from become tagged prefixes', async () => {
    const r = await build(
      { 'q/add.lua': `redis.call('RPUSH', KEYS[1], ARGV[2])\nreturn redis.call('HSET', ARGV[1] .. ARGV[2], 'v', 1)\n` },
      { contracts: [{ files: 'q/*.lua', keys: ['wait'], taggedKeys: true, args: ['prefix', 'id'], prefixArgs: 'tagged', returns: 'integer' }] },
    );
    expect(plain(r).map((l) => l.split(' ')[1])).toEqual(['RL112']);
    const spec = specOf(r.outputs.get('q/add.ts') as string);
    expect(spec.args.map((a) => [a.name, a.tagged ?? false])).toEqual([['prefix', true], ['id', false]]);
  });

  it('assumeTagged: a name read from data is a warning that says so; a literal without a tag stays an error', async () => {
    const lua = `redis.call('LPOP', KEYS[1])\nredis.call('DEL', redis.call('HGET', KEYS[1], 'owner'))\nreturn redis.call('INCR', 'total')\n`;
    const assumed = await build({ 'q/pop.lua': lua }, { contracts: [{ files: 'q/*.lua', keys: ['wait'], taggedKeys: true, assumeTagged: true, returns: 'integer' }] });
    expect(plain(assumed).map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['RL112 DEL', 'RL101 INCR']);
    expect(assumed.diagnostics[0]?.message).toMatch(/config says carries the keys' hash tag \(assumeTagged\)/);
    const strict = await build({ 'q/pop.lua': lua }, { contracts: [{ files: 'q/*.lua', keys: ['wait'], taggedKeys: true, returns: 'integer' }] });
    expect(plain(strict).map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['RL101 DEL', 'RL101 INCR']);
  });

  it('rules from a contract apply to findings in its files only', async () => {
    const lua = `local unused = 1\nreturn redis.call('GET', KEYS[1])\n`;
    const r = await build(
      { 'a/x.lua': lua, 'b/x.lua': lua },
      { rules: { 'could-be-read-only': 'off' }, contracts: [{ files: '*/x.lua', keys: ['k'], returns: 'string?' }, { files: 'a/*.lua', rules: { 'unused-local': 'off' } }, { files: 'b/x.lua', name: 'xb' }] },
    );
    expect(plain(r).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['b/x.lua:1:7 RL402']);
    expect(() => validateConfig('c.json', { contracts: [{ files: 'x.lua', rules: { 'syntax-error': 'off' } }] })).toThrow(/"contracts\[0\].rules.syntax-error": RL001/);
  });

  it('an arg declared as a union of literals may name the command', async () => {
    const r = await build({ 'push.lua': `---@key list\n---@arg side 'LPUSH'|'RPUSH'\n---@arg v string\n---@return integer\nreturn redis.call(ARGV[1], KEYS[1], ARGV[2])\n` });
    expect(plain(r)).toEqual([]);
    const open = await build({ 'push.lua': `---@key list\n---@arg side string\n---@arg v string\n---@return integer\nreturn redis.call(ARGV[1], KEYS[1], ARGV[2])\n` });
    expect(plain(open).map((l) => l.split(' ')[1])).toEqual(['RL103']);
  });

  it('a bad contract in the config names its key', () => {
    expect(() => validateConfig('c.json', { contracts: [{ files: 'x.lua', args: [{ name: 'n', type: 'integr' }] }] })).toThrow(/c.json: "contracts\[0\].args": unknown type 'integr'/);
    expect(() => validateConfig('c.json', { contracts: [{ files: 'x.lua', keyz: 1 }] })).toThrow(/"contracts\[0\].keyz": unknown key/);
  });
});
