// Targets: each server's command table. A command a newer server has is an error for an older
// target, naming the release that has it, and is checked like any command (its key specs) on
// a target that has it. The default target's verdict is the real Redis 7.0.15's.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { Redis } from 'ioredis';
import { compile } from '../src/compile.js';
import type { Target } from '../src/analyze/data/index.js';
import { standalone } from './support/clients.js';
import { cli, project } from './support/temp-project.js';

const HGETEX = "---@key h\n---@arg field string\n---@return string?[]\nreturn redis.call('HGETEX', KEYS[1], 'EX', 60, 'FIELDS', 1, ARGV[1])\n";
const HEXPIRE = "---@key h\n---@arg field string\n---@return integer[]\nreturn redis.call('HEXPIRE', KEYS[1], 60, 'FIELDS', 1, ARGV[1])\n";

const errorsOf = (text: string, target?: Target) =>
  compile(text, { path: 'x.lua', ...(target ? { target } : {}) })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.message}`);

describe('targets', () => {
  it('HGETEX is an error for redis@7.0 that names Redis 8.0, and passes for redis@8', () => {
    const where = 'Redis 8.0 has it (since 8.0.0; target "redis@8"), Valkey 9.0 has it (since 9.0.0; target "valkey@9")';
    expect(errorsOf(HGETEX)).toEqual([`RL104 'HGETEX' is not a Redis 7.0.15 command: ${where}`]);
    expect(errorsOf(HGETEX, 'redis@7.4')).toEqual([`RL104 'HGETEX' is not a Redis 7.4.1 command: ${where}`]);
    expect(errorsOf(HGETEX, 'redis@8')).toEqual([]);
    expect(compile(HGETEX, { path: 'x.lua', target: 'redis@8' }).model).toBeDefined();
  });

  it('HEXPIRE came in Redis 7.4: an error for 7.2 and Valkey 8.0, fine for 7.4 and 8', () => {
    expect(errorsOf(HEXPIRE, 'redis@7.2')[0]).toContain("'HEXPIRE' is not a Redis 7.2.6 command: Redis 7.4.1 has it (since 7.4.0");
    expect(errorsOf(HEXPIRE, 'valkey@8')[0]).toContain("'HEXPIRE' is not a Valkey 8.0.1 command");
    expect(errorsOf(HEXPIRE, 'redis@7.4')).toEqual([]);
    expect(errorsOf(HEXPIRE, 'redis@8')).toEqual([]);
  });

  it('Valkey 9.0 adds hash-field expiry and DELIFEQ: errors for valkey@8 that name it, checked like any command for valkey@9', () => {
    expect(errorsOf(HEXPIRE, 'valkey@8')[0]).toContain('Valkey 9.0 has it (since 9.0.0; target "valkey@9")');
    expect(errorsOf(HEXPIRE, 'valkey@9')).toEqual([]);
    expect(errorsOf(HGETEX, 'valkey@9')).toEqual([]);
    const delifeq = "---@key lock\n---@arg owner string\n---@return integer\nreturn server.call('DELIFEQ', KEYS[1], ARGV[1])\n";
    expect(errorsOf(delifeq, 'valkey@9')).toEqual([]);
    expect(errorsOf(delifeq, 'valkey@8')[0]).toContain("'DELIFEQ' is not a Valkey 8.0.1 command: Valkey 9.0 has it");
    // Its key spec and arity are checked: a literal key, and a missing argument.
    expect(errorsOf("---@return integer\nreturn server.call('DELIFEQ', 'literal', 'v')\n", 'valkey@9').map((e) => e.slice(0, 5))).toContain('RL101');
    expect(errorsOf("---@key lock\n---@return integer\nreturn server.call('DELIFEQ', KEYS[1])\n", 'valkey@9').map((e) => e.slice(0, 5))).toContain('RL109');
    // A read of field TTLs is a read: allowed in a no-writes script.
    const httl = "#!lua flags=no-writes\n---@key h\n---@return integer[]\nreturn server.call('HTTL', KEYS[1], 'FIELDS', 1, 'f')\n";
    expect(errorsOf(httl, 'valkey@9')).toEqual([]);
  });

  it("a new command's key specs are checked: a literal key in HSETEX is an undeclared key", () => {
    const literal = "---@return integer\nreturn redis.call('HSETEX', 'not-a-declared-key', 'FIELDS', 1, 'f', 'v')\n";
    expect(errorsOf(literal, 'redis@8').map((e) => e.slice(0, 5))).toContain('RL101');
    const declared = "---@key h\n---@return integer\nreturn redis.call('HSETEX', KEYS[1], 'FIELDS', 1, 'f', 'v')\n";
    expect(errorsOf(declared, 'redis@8')).toEqual([]);
  });

  it("Valkey's server.call is redis.call for a Valkey target (and checked as one), undefined for Redis", () => {
    const script = "---@key k\n---@return string?\nlocal v = server.pcall('GET', 'literal')\nreturn server.call('GET', KEYS[1])\n";
    const valkey = compile(script, { path: 'x.lua', target: 'valkey@8' }).diagnostics.filter((d) => d.severity === 'error');
    expect(valkey.map((d) => d.code)).toEqual(['RL101']);
    expect(valkey[0]?.message).toContain('GET uses as a key the literal "literal"');
    const redis = compile(script, { path: 'x.lua' }).diagnostics.filter((d) => d.code === 'RL202');
    expect(redis).toHaveLength(2);
    expect(redis[0]?.hint).toContain('set "target" to valkey@7.2, valkey@8 or valkey@9');
  });

  it('Dragonfly: no #!lua line; a key built from a {tagged} key is an error unless --!df flags=allow-undeclared-keys', () => {
    const shebang = "#!lua flags=no-writes\n---@key k\n---@return string?\nreturn redis.call('GET', KEYS[1])\n";
    expect(errorsOf(shebang, 'dragonfly')).toEqual(['RL003 Dragonfly does not read a #! line: it takes script flags only from a first line --!df flags=...']);
    expect(errorsOf(shebang)).toEqual([]);

    const derived = "---@key queue {tagged}\n---@return integer\nreturn redis.call('INCR', KEYS[1] .. ':seq')\n";
    const severity = (text: string, target?: Target) => compile(text, { path: 'x.lua', ...(target ? { target } : {}) }).diagnostics.find((d) => d.code === 'RL112')?.severity;
    expect(severity(derived)).toBe('warning');
    expect(severity(derived, 'dragonfly')).toBe('error');
    const allowed = `--!df flags=allow-undeclared-keys\n${derived}`;
    expect(severity(allowed, 'dragonfly')).toBe('warning');
    // The flags line is what Dragonfly reads: the minified text keeps it as its first line.
    expect(compile(allowed, { path: 'x.lua', target: 'dragonfly' }).model?.lua.startsWith('--!df flags=allow-undeclared-keys\n')).toBe(true);
  });

  it('ElastiCache Serverless: a script that declares no key is an error (RL113), for that target only', () => {
    const keyless = "---@return integer\nreturn redis.call('DBSIZE')\n";
    expect(errorsOf(keyless, 'elasticache-serverless')[0]).toContain('RL113 the script declares no key: ElastiCache Serverless refuses it');
    expect(errorsOf(keyless)).toEqual([]);
    expect(errorsOf("---@key k\n---@return integer\nreturn redis.call('EXISTS', KEYS[1])\n", 'elasticache-serverless')).toEqual([]);
  });

  it('"target" in the config and --target on the command line; a wrong one is refused by name', async () => {
    const config = (target?: string) => JSON.stringify({ include: ['lua/*.lua'], rootDir: 'lua', outDir: 'gen', ...(target ? { target } : {}) });
    const dir = project({ 'redis-luagen.config.json': config(), 'lua/hgetex.lua': HGETEX });
    const old = await cli(dir, 'build', '--format', 'plain');
    expect(old.code).toBe(1);
    expect(old.stdout).toContain("'HGETEX' is not a Redis 7.0.15 command");
    // The cache must not answer for another target.
    expect((await cli(dir, 'build', '--target', 'redis@8')).code).toBe(0);
    expect((await cli(dir, 'check', '--format', 'plain')).code).toBe(1);
    const bad = await cli(dir, 'build', '--target', 'redis@9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--target must be one of 'redis@7.0', 'redis@7.2', 'redis@7.4', 'redis@8', 'valkey@7.2', 'valkey@8', 'valkey@9', 'dragonfly', 'elasticache-serverless', got \"redis@9\"");
    const inConfig = project({ 'redis-luagen.config.json': config('redis@8'), 'lua/hgetex.lua': HGETEX });
    expect((await cli(inConfig, 'check', '--lint')).code).toBe(0);
    const wrong = project({ 'redis-luagen.config.json': config('redis@6'), 'lua/hgetex.lua': HGETEX });
    const refused = await cli(wrong, 'check');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"target": must be one of');
  });

  describe('against the real Redis 7.0.15', () => {
    let redis: Redis;
    beforeAll(() => {
      redis = standalone();
    });
    afterAll(async () => {
      await redis.quit();
    });

    it('refuses HGETEX and HEXPIRE as the redis@7.0 table says', async () => {
      for (const script of [HGETEX, HEXPIRE]) {
        const lua = compile(script, { path: 'x.lua', target: 'redis@8', minify: 'none' }).model?.lua as string;
        await expect(redis.eval(lua, 1, 'h', 'f')).rejects.toThrow(/Unknown Redis command called from script/);
      }
    });
  });
});
