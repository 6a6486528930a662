// Soundness of the key analysis: an unsafe key accepted is the worst defect this tool can
// have. A literal or ARGV-built key is passed through random chains of locals, tables,
// functions, closures, varargs, pcall, coroutines, loops, methods and KEYS itself before it
// reaches redis.call; every chain must be reported.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { rng } from './support/lua-gen.js';

type Step = (expr: string, n: number) => { code: string[]; expr: string };

const STEPS: Step[] = [
  (e, n) => ({ code: [`local v${n} = ${e}`], expr: `v${n}` }),
  (e, n) => ({ code: [`local t${n} = { ${e} }`], expr: `t${n}[1]` }),
  (e, n) => ({ code: [`local t${n} = {}`, `t${n}.f = ${e}`], expr: `t${n}.f` }),
  (e, n) => ({ code: [`local function f${n}() return ${e} end`], expr: `f${n}()` }),
  (e, n) => ({ code: [`local function f${n}(p) return p end`], expr: `f${n}(${e})` }),
  (e, n) => ({ code: [`local f${n} = function(p) return p end`], expr: `f${n}(${e})` }),
  (e, n) => ({ code: [`local u${n}`, `local function set${n}() u${n} = ${e} end`, `set${n}()`], expr: `u${n}` }),
  (e, n) => ({ code: [], expr: `select(2, pcall(function() return ${e} end))` }),
  (e, n) => ({ code: [`local t${n} = {}`, `table.insert(t${n}, ${e})`], expr: `t${n}[1]` }),
  (e) => ({ code: [], expr: `unpack({ ${e} })` }),
  (e) => ({ code: [], expr: `(${e} or KEYS[1])` }),
  (e) => ({ code: [], expr: `tostring(${e})` }),
  (e, n) => ({ code: [`local o${n} = { v = ${e} }`, `function o${n}:get() return self.v end`], expr: `o${n}:get()` }),
  (e) => ({ code: [], expr: `coroutine.wrap(function() return ${e} end)()` }),
  (e, n) => ({ code: [`local t${n} = { ${e} }`, `local w${n}`, `for _, x in ipairs(t${n}) do w${n} = x end`], expr: `w${n}` }),
  (e, n) => ({ code: [`local function f${n}(...) return ... end`], expr: `f${n}(${e})` }),
  (e) => ({ code: [`KEYS[1] = ${e}`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local m${n} = setmetatable({}, { __index = function() return ${e} end })`], expr: `m${n}.anything` }),
  (e, n) => ({ code: [`local t${n} = { a = 1, ${e} }`], expr: `t${n}[1]` }),
  (e, n) => ({ code: [`local c${n} = redis.call`], expr: `(function() c${n}('GET', ${e}) return KEYS[1] end)()` }),
];

const SOURCES = ["'user:42'", "'user:' .. ARGV[1]", 'ARGV[1]', "redis.call('GET', KEYS[1])", "string.format('%s:x', ARGV[1])"];

describe('key analysis soundness', () => {
  // SOUNDNESS_SEED / SOUNDNESS_CASES explore further; the defaults run in CI.
  const r = rng(Number(process.env.SOUNDNESS_SEED ?? 7));
  const cases = Array.from({ length: Number(process.env.SOUNDNESS_CASES ?? 600) }, (_, i) => {
    let expr = SOURCES[Math.floor(r() * SOURCES.length)] as string;
    const code: string[] = [];
    const depth = 1 + Math.floor(r() * 6);
    for (let d = 0; d < depth; d++) {
      const step = (STEPS[Math.floor(r() * STEPS.length)] as Step)(expr, d);
      code.push(...step.code);
      expr = step.expr;
    }
    const command = ['GET', 'INCR', 'DEL', 'EXISTS'][i % 4] as string;
    return ['---@key k', '---@arg a string', '---@return any', ...code, `return redis.call('${command}', ${expr})`, ''].join('\n');
  });

  it.each(cases.map((c, i) => [i, c] as const))('chain %i is reported', (_i, source) => {
    const codes = compile(source, { path: 'chain.lua' }).diagnostics.map((d) => d.code);
    expect(codes.some((c) => c === 'RL101' || c === 'RL110' || c === 'RL103'), source).toBe(true);
  });
});
