// Lua's compile limits (syntax levels, locals, upvalues, registers), checked against the real
// server: for each family of scripts, the largest size the checker accepts must be the largest
// Redis compiles (SCRIPT LOAD), and one more must fail in Redis with the message the checker
// gives. Measured on Redis 7.0.15; luac 5.1 starts one level deeper and allows one fewer.
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { standalone } from './support/clients.js';

const redis = standalone();
afterAll(() => redis.quit());

const range = (n: number, f: (i: number) => string, sep = '') => Array.from({ length: n }, (_, i) => f(i)).join(sep);

const FAMILIES: Record<string, (n: number) => string> = {
  parentheses: (n) => `return ${'('.repeat(n)}1${')'.repeat(n)}`,
  concatenation: (n) => `local a = 'x' return ${range(n, () => 'a', ' .. ')}`,
  power: (n) => `local a = 1 return ${range(n, () => 'a', ' ^ ')}`,
  'unary minus': (n) => `return ${'- '.repeat(n)}1`,
  not: (n) => `return ${'not '.repeat(n)}1`,
  'nested functions': (n) => `local f = ${'function() return '.repeat(n)}1${' end'.repeat(n)} return 1`,
  'nested ifs': (n) => `if true then `.repeat(n) + 'local x = 1' + ' end'.repeat(n) + ' return 1',
  'nested dos': (n) => 'do '.repeat(n) + 'local x = 1' + ' end'.repeat(n) + ' return 1',
  'nested whiles': (n) => 'while true do '.repeat(n) + 'break' + ' end'.repeat(n) + ' return 1',
  'nested repeats': (n) => 'repeat '.repeat(n) + 'local x = 1' + ' until true'.repeat(n) + ' return 1',
  'nested tables': (n) => `return #${'{'.repeat(n)}${'}'.repeat(n)}`,
  'nested calls': (n) => `local f = function(x) return x end return ${'f('.repeat(n)}1${')'.repeat(n)}`,
  'nested indexes': (n) => `local t = {} return ${'t['.repeat(n)}1${']'.repeat(n)}`,
  'mixed nesting': (n) => `local t = {} return ${range(n, (i) => ['(', '{', 't[', '-'][i % 4] as string)}1${range(n, (i) => [')', '}', ']', ''][(n - 1 - i) % 4] as string)}`,
  'nested for loops': (n) => range(n, (i) => `for i${i} = 1, 1 do `) + 'local x = 1' + ' end'.repeat(n) + ' return 1',
  'nested generic fors': (n) => range(n, (i) => `for k${i}, v${i} in pairs({}) do `) + 'local x = 1' + ' end'.repeat(n) + ' return 1',
  'top-level locals': (n) => range(n, (i) => `local v${i} = ${i}\n`) + 'return 1',
  'locals in one statement': (n) => `local ${range(n, (i) => `v${i}`, ', ')} = 1 return 1`,
  'parameters and locals': (n) => `local function f(${range(100, (i) => `p${i}`, ', ')}, ...) ${range(n, (i) => `local v${i} = 1 `)} return 1 end return f()`,
  upvalues: (n) => range(n, (i) => `local v${i} = ${i}\n`) + `local function f() return ${range(n, (i) => `v${i}`, ' + ')} end return f()`,
  'upvalues through a closure': (n) => range(n, (i) => `local v${i} = ${i}\n`) + `local function f() return function() return ${range(n, (i) => `v${i}`, ' + ')} end end return f()()`,
  'call arguments': (n) => `local f = function(...) return 1 end return f(${range(n, () => '1', ',')})`,
  'method call arguments': (n) => `local t = {} function t:m(...) return 1 end return t:m(${range(n, () => '1', ',')})`,
  'returned values': (n) => `return ${range(n, () => '1', ',')}`,
  'returned values after locals': (n) => `local a, b, c = 1, 2, 3 return ${range(n, () => 'a', ',')}`,
  'values assigned to locals': (n) => `local ${range(n, (i) => `v${i}`, ',')} = ${range(n, () => '1', ',')} return 1`,
};

async function redisCompiles(source: string): Promise<{ ok: boolean; message: string }> {
  try {
    await redis.call('SCRIPT', 'LOAD', source);
    return { ok: true, message: '' };
  } catch (e) {
    return { ok: false, message: String((e as Error).message) };
  }
}

const syntaxErrors = (source: string) => compile(`---@return any\n${source}`, { path: 'x.lua' }).diagnostics.filter((d) => d.code === 'RL001');

/** The largest n the checker accepts (the families grow monotonically). */
function checkerLimit(family: (n: number) => string): number {
  let lo = 1;
  let hi = 600;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (syntaxErrors(family(mid)).length === 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

describe('Lua compile limits agree with Redis', () => {
  it.each(Object.keys(FAMILIES))('%s', async (name) => {
    const family = FAMILIES[name] as (n: number) => string;
    const n = checkerLimit(family);
    expect(syntaxErrors(family(1)), 'the smallest of the family is valid').toEqual([]);
    const accepted = await redisCompiles(family(n));
    expect(accepted.message, `Redis compiles n = ${n}`).toBe('');
    const refused = await redisCompiles(family(n + 1));
    expect(refused.ok, `Redis refuses n = ${n + 1}`).toBe(false);
    const ours = syntaxErrors(family(n + 1))[0]?.message ?? '';
    const lineless = (m: string) => m.replace(/line \d+/, 'line N');
    expect(ours).not.toBe('');
    expect(lineless(refused.message)).toContain(lineless(ours));
  });
});
