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
  // Guards narrow away nil and false, never an unsafe string.
  (e, n) => ({ code: [`local g${n} = ${e}`, `if not g${n} then return 0 end`], expr: `g${n}` }),
  (e, n) => ({ code: [`local g${n} = ${e}`, `assert(g${n}, 'missing')`], expr: `g${n}` }),
  (e) => ({ code: [], expr: `(${e} or error('missing'))` }),
  (e, n) => ({ code: [`local g${n} = ${e}`, `local h${n} = KEYS[1]`, `if type(g${n}) == 'string' then h${n} = g${n} end`], expr: `h${n}` }),
  (e, n) => ({ code: [`local g${n} = ${e}`, `if g${n} == nil then error('x') end`], expr: `g${n}` }),
  (e, n) => ({ code: [`local g${n} = KEYS[1]`, `local function set${n}() g${n} = ${e} end`, `if not g${n} then return 0 end`, `set${n}()`], expr: `g${n}` }),
  (e, n) => ({ code: [`local g${n}`, `for _ = 1, 2 do`, `  if g${n} then break end`, `  g${n} = ${e}`, `end`], expr: `g${n} or KEYS[1]` }),
  // Coroutines: values travel through yield and resume.
  (e, n) => ({ code: [`local co${n} = coroutine.wrap(function() coroutine.yield(${e}) end)`], expr: `co${n}()` }),
  (e, n) => ({ code: [`local co${n} = coroutine.create(function() coroutine.yield(${e}) end)`, `local _, y${n} = coroutine.resume(co${n})`], expr: `y${n}` }),
  (e, n) => ({ code: [`local co${n} = coroutine.wrap(function() local v = coroutine.yield() return v end)`, `co${n}()`], expr: `co${n}(${e})` }),
  // Metatables: methods on self, __index tables, missing fields.
  (e, n) => ({
    code: [`local C${n} = {}`, `C${n}.__index = C${n}`, `function C${n}.new(v) local o = setmetatable({}, C${n}); o.k = v; return o end`, `function C${n}:get() return self.k end`],
    expr: `C${n}.new(${e}):get()`,
  }),
  (e, n) => ({ code: [`local base${n} = { k = ${e} }`, `local obj${n} = setmetatable({}, { __index = base${n} })`], expr: `obj${n}.k` }),
  (e, n) => ({ code: [`local t${n} = setmetatable({ k = KEYS[1] }, { __index = function() return ${e} end })`], expr: `t${n}.other` }),
  (e, n) => ({ code: [`local t${n} = { k = KEYS[1] }`, `t${n}['k'] = ${e}`], expr: `t${n}.k` }),
  // A function that cannot run passes nothing on; a live call beside it still does.
  (e, n) => ({ code: [`local function w${n}(p) return p end`, `local function d${n}() return w${n}(KEYS[1]) end`], expr: `w${n}(${e})` }),
  (e, n) => ({ code: [`local function w${n}(p) return p end`, `local function d${n}() return w${n}(KEYS[1]) end`, `local r${n} = d${n}`], expr: `(r${n}() and w${n}(${e}))` }),
  // Lists of values of different lengths meet: returns, varargs, several callees, iterators.
  (e, n) => ({ code: [`local function r${n}(c) if c then return unpack({ ${e} }, 1) end return KEYS[1], 2 end`], expr: `r${n}(ARGV[9])` }),
  (e, n) => ({ code: [`local function v${n}(...) local x = ... return x end`, `v${n}(KEYS[1])`], expr: `v${n}(unpack({ ${e} }, 1))` }),
  (e, n) => ({ code: [`local g${n} = function() return KEYS[1], 1 end`, `if ARGV[9] then g${n} = function() return unpack({ ${e} }, 1) end end`], expr: `g${n}()` }),
  (e, n) => ({ code: [`local function it${n}() return unpack({ ${e} }, 1) end`, `local w${n} = KEYS[1]`, `for x in it${n} do w${n} = x break end`], expr: `w${n}` }),
  // Commands built as lists and unpacked: appends, overwrites, inserts, removals, holes.
  (e, n) => ({ code: [`local l${n} = { 'GET' }`, `table.insert(l${n}, ${e})`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'DEL', KEYS[1] }`, `l${n}[#l${n} + 1] = ${e}`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'GET', KEYS[1] }`, `l${n}[2] = ${e}`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'GET', KEYS[1] }`, `table.insert(l${n}, 2, ${e})`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'GET', KEYS[1] }`, `table.remove(l${n})`, `table.insert(l${n}, ${e})`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'GET', nil }`, `table.insert(l${n}, ${e})`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'GET', KEYS[1] }`, `local m${n} = l${n}`, `m${n}[#l${n}] = ${e}`, `redis.call(unpack(l${n}))`], expr: 'KEYS[1]' }),
  (e, n) => ({ code: [`local l${n} = { 'GET', ${e} }`], expr: `select(2, unpack(l${n}))` }),
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
