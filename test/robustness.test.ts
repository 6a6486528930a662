// Inputs that once crashed or hung the compiler: each ends in a diagnostic, fast, and the
// healthy script next to it still gets its wrapper. A "project" is a folder with
// {"include":["scripts/**/*.lua"],"rootDir":"scripts","outDir":"gen"}, the input as
// scripts/x.lua and a healthy scripts/ok.lua.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { compile } from '../src/compile.js';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'bin/redis-luagen.js');
const CONFIG = JSON.stringify({ include: ['scripts/**/*.lua'], rootDir: 'scripts', outDir: 'gen' });
const OK = '---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n';
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project holding `files` (paths relative to the project, as bytes or text) and scripts/ok.lua. */
export function project(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'redis-luagen-robust-'));
  dirs.push(dir);
  const all = { 'redis-luagen.config.json': CONFIG, 'scripts/ok.lua': OK, ...files };
  for (const [path, bytes] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

async function build(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['build', '--format', 'plain', ...args], { cwd: dir, stdout: (t) => (out += t), stderr: (t) => (out += t), color: false });
  return { code, out };
}

/** Syntax errors of a generated TypeScript file (an empty list when it parses). */
function tsSyntaxErrors(text: string): string[] {
  const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const codes = (source: string) => compile(source, { path: 'x.lua' }).diagnostics.map((d) => d.code);

describe('literal key counts', () => {
  it.each([
    ["redis.call('ZINTERCARD', 1e12, KEYS[1])"],
    ["redis.call('ZINTERCARD', 1e999, KEYS[1])"],
    ["redis.call('EVAL', 'return 1', 1e12, KEYS[1])"],
    ["redis.call('FCALL', 'f', 1e12, KEYS[1])"],
    ["redis.call('ZUNIONSTORE', KEYS[1], 1e999, KEYS[2])"],
    ["redis.call('SINTERCARD', 4294967296, KEYS[1])"],
    ["redis.call('LMPOP', 1e300, KEYS[1])"],
  ])('%s is checked at once, with only the arguments present as keys', (call) => {
    const started = Date.now();
    const result = compile(`---@key a\n---@key b\n---@return any\nreturn ${call}\n`, { path: 'x.lua' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.diagnostics.filter((d) => d.code === 'RL101')).toEqual([]);
  });
});

describe('contracts inferred from huge indexes', () => {
  it.each([['KEYS[2147483647]'], ['KEYS[4294967296]'], ['KEYS[10000]'], ['ARGV[100000]']])('%s gives one list and says so', async (read) => {
    const dir = project({ 'scripts/x.lua': `return ${read}\n` });
    const r = await build(dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/RL006 missing-contract .*\(it reads (KEYS|ARGV)\[\d+\]: past 100, keys and args are inferred as one list\)/);
    const wrapper = readFileSync(join(dir, 'gen/x.ts'), 'utf8');
    expect(wrapper.length).toBeLessThan(20000);
    expect(wrapper).toMatch(read.startsWith('KEYS') ? /keys: readonly string\[\]/ : /args: ReadonlyArray<string>/);
    expect(existsSync(join(dir, 'gen/ok.ts'))).toBe(true);
  });

  it('a file name like report-20260101.lua is not a key count', () => {
    expect(compile('return 1\n', { path: 'report-20260101.lua', contract: { keys: 'fromFileName' } }).model?.name).toBe('report20260101');
  });
});

describe('comment markers in documentation text and paths', () => {
  it.each([
    ['the description', '--- a /* b */ c\n---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n'],
    ['a key description', '---@key k the /* key\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n'],
    ['the @return text', '---@key k\n---@return integer a */ count /*\nreturn redis.call("INCR", KEYS[1])\n'],
  ])('/* in %s gives a wrapper that parses', async (_where, source) => {
    const dir = project({ 'scripts/x.lua': source });
    expect((await build(dir)).code).toBe(0);
    expect(tsSyntaxErrors(readFileSync(join(dir, 'gen/x.ts'), 'utf8'))).toEqual([]);
  });

  it('/* in a file path gives a wrapper that parses', async () => {
    const dir = project({ 'scripts/a/*b.lua': OK, 'scripts/c*/d.lua': OK });
    expect((await build(dir)).code).toBe(0);
    for (const f of ['gen/a/*b.ts', 'gen/c*/d.ts', 'gen/index.ts']) expect(tsSyntaxErrors(readFileSync(join(dir, f), 'utf8')), f).toEqual([]);
  });
});

describe('file names', () => {
  it.each([
    ['a line break', 'scripts/a\nb.lua', /its name holds a line break/],
    ['a #', 'scripts/a#b.lua', /holds '#'/],
    ['a %', 'scripts/a%41.lua', /holds '%'/],
  ])('a name with %s is RL009 and the others build', async (_what, path, message) => {
    const dir = project({ [path]: OK });
    const r = await build(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(message);
    expect(r.out).toMatch(/RL009 bad-path/);
    expect(existsSync(join(dir, 'gen/ok.ts'))).toBe(true);
    expect(r.out.split('\n').filter((l) => l.includes('RL009'))).toHaveLength(1); // one line, the break escaped
  });

  it('a name that is not UTF-8 is RL009 and the others build', async () => {
    const dir = project({});
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'scripts/c')), Buffer.from([0xff]), Buffer.from('.lua')]), OK);
    const r = await build(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/RL009 bad-path .*its name is not valid UTF-8/);
    expect(existsSync(join(dir, 'gen/ok.ts'))).toBe(true);
  });
});

describe('Lua read as Lua reads it', () => {
  it('a call on a long string spanning lines, followed by ( on its last line, is one call (luaparse counted from the first line)', () => {
    const source = '---@return string\nlocal function f(s) return function(x) return s .. x end end\nreturn f[==[\nab\r\ncd]==] ("!")\n';
    const r = compile(source, { path: 'x.lua' });
    expect(r.diagnostics.filter((d) => d.code === 'RL001')).toEqual([]);
    expect(r.minified).toContain('[==[\nab\r\ncd]==]("!")');
    // A ( on a new line after a one-line expression stays Lua's "ambiguous syntax".
    expect(codes('return f\n(1)\n')).toContain('RL001');
  });
});

describe('analysis edge cases', () => {
  it('pairs() with no table is checked (a run-time error in Redis, not in the checker)', () => {
    expect(codes('for _, v in pairs() do end\nreturn 1\n')).not.toContain('internal');
  });
});

describe('a fresh process', () => {
  it.each([['\u00a0'], ['\u200b'], ['\u3000']])('reports a first character U+%s as a syntax error, as a warm one does', (ch) => {
    const dir = project({ 'scripts/a.lua': `${ch}return 1\n` });
    const r = spawnSync(process.execPath, [BIN, 'build', '--format', 'plain'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toMatch(/scripts\/a\.lua:1:1: error RL001 syntax-error unexpected symbol/);
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, 'gen/ok.ts'))).toBe(true);
  });
});

// Sizes that once took time growing faster than the input (exponential, cubic, quadratic).
// Each runs in a child process with a time limit, since a synchronous loop cannot be
// interrupted from inside: a hang detector, not a speed test (`npm run bench` measures speed).
interface ChildResult {
  codes: string[];
  built: boolean;
  minified: string;
}

function compileInChild(source: string, limitMs = 30_000): ChildResult {
  const program = `import { compile } from ${JSON.stringify(join(REPO, 'dist/src/compile.js'))};
    let text = ''; process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) text += chunk;
    const r = compile(text, { path: 'x.lua' });
    process.stdout.write(JSON.stringify({ codes: r.diagnostics.map((d) => d.code), built: !!r.model, minified: (r.minified ?? '').slice(0, 200) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { input: source, encoding: 'utf8', timeout: limitMs, maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) throw new Error(`no result within ${limitMs} ms (status ${r.status}, ${r.signal ?? ''}): ${r.stderr.slice(0, 300)}`);
  return JSON.parse(r.stdout) as ChildResult;
}

describe('sizes', () => {
  const errors = (r: ChildResult) => r.codes.filter((c) => c === 'RL001' || c === 'RL101' || c.startsWith('internal'));

  it('a chain of 40 method calls t:m():m()... (each once evaluated its object twice)', () => {
    const r = compileInChild('---@return any\nlocal t = {}\nfunction t:m() return self end\nreturn #{t' + ':m()'.repeat(40) + '}\n');
    expect(errors(r)).toEqual([]);
    expect(r.built).toBe(true);
  }, 60_000);

  it('3,000 functions, each returning a call of the next (one pass per link before)', () => {
    const n = 3000;
    const fns = Array.from({ length: n }, (_, i) => (i === n - 1 ? `function M.f${i}(x) return x end` : `function M.f${i}(x) return M.f${i + 1}(x) end`));
    const script = (arg: string) => `---@key k\n---@arg a string\n---@return any\nlocal M = {}\n${fns.join('\n')}\nreturn redis.call('GET', M.f0(${arg}))\n`;
    expect(errors(compileInChild(script('KEYS[1]')))).toEqual([]);
    // The value reaches GET through all 3,000 returns: an ARGV in the key's place is an error.
    expect(compileInChild(script('ARGV[1]')).codes).toContain('RL101');
  }, 120_000);

  it('30,000 blocks each with its own local get one short name (the renamer compared each with all)', () => {
    const r = compileInChild('---@return integer\nlocal n = 0\n' + 'do local v = 1 n = n + v end\n'.repeat(30_000) + 'return n\n');
    expect(errors(r)).toEqual([]);
    expect(r.minified).toMatch(/^local a=0\ndo local b=1 a=a\+b end\n/);
  }, 60_000);
});

describe('deep nesting', () => {
  const findings = (source: string) => compile(`---@return any\n${source}`, { path: 'x.lua' }).diagnostics.map((d) => `${d.code} ${d.message}`);
  const LEVELS = 'RL001 chunk has too many syntax levels';

  it.each([
    ['1,950 parentheses', `return ${'('.repeat(1950)}1${')'.repeat(1950)}`],
    ['2,340 terms of ..', `local a = 'x' return ${Array(2340).fill('a').join(' .. ')}`],
    ['780 nested functions', `local f = ${'function() return '.repeat(780)}1${' end'.repeat(780)}`],
    ['780 nested ifs', `${'if true then '.repeat(780)}local x = 1${' end'.repeat(780)}`],
    ['1,520 nested tables', `return #${'{'.repeat(1520)}${'}'.repeat(1520)}`],
    ['5,000 unary minus', `return ${'- '.repeat(5000)}1`],
  ])('%s: a Lua compile error, as Redis reports it', (_what, source) => {
    expect(findings(source)).toEqual([LEVELS]);
  });

  it.each([
    ['a + a + ... of 5,000 terms', `local a = 1 return ${Array(5000).fill('a').join(' + ')}`],
    ['t.x.x... of 50,000 fields', `local t = {} return t${'.x'.repeat(50_000)}`],
    ['t:m():m()... of 5,000 calls', `local t = {} return t${':m()'.repeat(5000)}`],
    ['a and a and ... of 5,000 terms', `local a = 1 return ${Array(5000).fill('a').join(' and ')}`],
    ['f()()()... of 5,000 calls', `local function f() return f end return f${'()'.repeat(5000)}`],
  ])('%s (Lua reads it without nesting): RL010, not a stack overflow', (_what, source) => {
    expect(findings(source)).toEqual([expect.stringMatching(/^RL010 nested more than 1000 levels deep/)]);
  });

  it.each([
    ['integer[] nested 230 deep', `integer${'[]'.repeat(230)}`],
    ['a tuple nested 230 deep', `${'['.repeat(230)}integer${']'.repeat(230)}`],
    ['parentheses nested 20,000 deep', `${'('.repeat(20_000)}integer${')'.repeat(20_000)}`],
  ])('---@return %s: RL002', (_what, type) => {
    const r = compile(`---@return ${type}\nreturn 1\n`, { path: 'x.lua' });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toContain('RL002 the return type nests more than 32 levels');
  });

  it.each([
    ['201 locals', `${Array.from({ length: 201 }, (_, i) => `local v${i} = ${i}`).join('\n')}\nreturn 1`, 'RL001 main function has more than 200 local variables'],
    ['61 upvalues', `${Array.from({ length: 61 }, (_, i) => `local v${i} = ${i}`).join('\n')}\nlocal function f() return ${Array.from({ length: 61 }, (_, i) => `v${i}`).join(' + ')} end\nreturn f()`, 'RL001 function at line 63 has more than 60 upvalues'],
    ['250 returned values', `return ${Array(250).fill('1').join(', ')}`, 'RL001 function or expression too complex'],
  ])('%s: the message Redis gives at SCRIPT LOAD', (_what, source, message) => {
    expect(findings(source)).toEqual([message]);
  });

  it('a project with a deep script still builds its healthy one', async () => {
    const dir = project({ 'scripts/x.lua': `return ${'('.repeat(3000)}1${')'.repeat(3000)}\n` });
    const r = await build(dir);
    expect(r.out).toMatch(/scripts\/x\.lua:1:207: error RL001 syntax-error chunk has too many syntax levels/);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'gen/ok.ts'))).toBe(true);
  });
});
