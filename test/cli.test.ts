// The command line, run in-process on temporary projects: exit codes, writes only what
// changed, atomic writes, stale output removal, check's drift detection, every format,
// config errors. One test runs the real bin in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { cli, project } from './support/temp-project.js';
import { expectGolden } from './support/golden.js';

const REPO = join(import.meta.dirname, '..');
const GET = '---@key k\n---@return string?\nreturn redis.call("GETDEL", KEYS[1])\n';
const INCR = '---@key counter\n---@arg by integer\n---@return integer\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])\n';
// could-be-read-only (an info) is off so that the small scripts below report only what each test is about.
const CONFIG = JSON.stringify({ include: ['lua/**/*.lua'], rootDir: 'lua', outDir: 'gen', rules: { 'could-be-read-only': 'off' } });

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out.sort();
}

describe('usage', () => {
  it('prints help with exit 0', async () => {
    const r = await cli(REPO, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('redis-luagen build [paths..]');
  });

  it.each([
    [[], 'missing command'],
    [['compile'], "unknown command 'compile'"],
    [['biuld'], "unknown command 'biuld' (did you mean build?)"],
    [['build', '--zzzzzz'], 'unknown option --zzzzzz\n'],
    [['build', '--formt', 'json'], 'unknown option --formt (did you mean --format?)'],
    [['check', '--format', 'xml'], '--format must be one of pretty, plain, json, github, sarif'],
    [['check', '--max-warnings', 'many'], "--max-warnings must be a whole number >= 0, got 'many'"],
  ])('exits 2 for %j with a short error', async (argv, message) => {
    const r = await cli(REPO, ...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.split('\n').length).toBeLessThanOrEqual(3); // the message and where to find usage, not the whole help
  });

  it.each([
    [['build', '--help'], 'Usage: redis-luagen build'],
    [['check', '-h'], 'Usage: redis-luagen check'],
    [['help', 'watch'], 'Usage: redis-luagen watch'],
    [['help'], 'Commands:'],
  ])('%j prints that help with exit 0', async (argv, text) => {
    const r = await cli(REPO, ...argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(text);
  });
});

describe('build', () => {
  it('writes wrappers, index and runtime, then only what changed, and removes stale outputs', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/get-value.lua': GET, 'lua/counters/incr.lua': INCR });
    const first = await cli(dir, 'build');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^redis-luagen: 2 scripts, 4 written, 0 unchanged, 0 removed in gen, 0 errors, 0 warnings in \d+ ms\n$/);
    expect(listFiles(join(dir, 'gen'))).toEqual(['.redis-luagen-cache.json', 'counters/incr.ts', 'get-value.ts', 'index.ts', 'redis-luagen-runtime.ts']);

    const mtime = statSync(join(dir, 'gen/get-value.ts')).mtimeMs;
    const second = await cli(dir, 'build');
    expect(second.stderr).toContain('0 written, 4 unchanged, 0 removed');
    expect(statSync(join(dir, 'gen/get-value.ts')).mtimeMs).toBe(mtime);

    writeFileSync(join(dir, 'lua/counters/incr.lua'), INCR.replace('---@return integer', '---@return integer the new value'));
    const third = await cli(dir, 'build');
    expect(third.stderr).toContain('1 written, 3 unchanged, 0 removed');

    rmSync(join(dir, 'lua/counters/incr.lua'));
    writeFileSync(join(dir, 'gen/notes.ts'), '// my own file, not generated\n');
    const fourth = await cli(dir, 'build');
    expect(fourth.stderr).toContain('1 written, 2 unchanged, 1 removed');
    expect(listFiles(join(dir, 'gen'))).toEqual(['.redis-luagen-cache.json', 'get-value.ts', 'index.ts', 'notes.ts', 'redis-luagen-runtime.ts']);
    expect(readFileSync(join(dir, 'gen/index.ts'), 'utf8')).not.toContain('incr');
  });

  it('builds the good scripts when one has an error, keeps its last good wrapper, exits 1', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/get-value.lua': GET, 'lua/incr.lua': INCR });
    expect((await cli(dir, 'build')).code).toBe(0);
    const good = readFileSync(join(dir, 'gen/incr.ts'), 'utf8');
    writeFileSync(join(dir, 'lua/incr.lua'), INCR.replace('integer\nreturn', 'integer\nreturn +'));
    writeFileSync(join(dir, 'lua/fresh.lua'), '---@return integr\nreturn 1\n');
    writeFileSync(join(dir, 'lua/get-value.lua'), GET.replace('string?', 'string? the value'));
    const r = await cli(dir, 'build', '--format', 'plain');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "lua/fresh.lua:1:12: error RL002 bad-annotation unknown return type 'integr'\n" +
        "lua/incr.lua:4:8: error RL001 syntax-error unexpected symbol near '+'\n",
    );
    expect(r.stderr).toContain('3 scripts, 2 not built');
    expect(readFileSync(join(dir, 'gen/incr.ts'), 'utf8')).toBe(good);
    expect(existsSync(join(dir, 'gen/fresh.ts'))).toBe(false);
    expect(readFileSync(join(dir, 'gen/get-value.ts'), 'utf8')).toContain('the value');
    expect(readFileSync(join(dir, 'gen/index.ts'), 'utf8')).toContain("from './incr.js'");
  });

  it('leaves no temporary file behind', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a.lua': GET, 'lua/b.lua': INCR });
    await cli(dir, 'build');
    expect(listFiles(join(dir, 'gen')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('takes paths and --out on the command line, and the config from package.json', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'x', 'redis-luagen': { outDir: 'from-pkg' } }),
      'scripts/a.lua': GET,
      'other/b.lua': INCR,
    });
    expect((await cli(dir, 'build', 'scripts', '--out', 'out')).code).toBe(0);
    expect(listFiles(join(dir, 'out'))).toEqual(['.redis-luagen-cache.json', 'index.ts', 'redis-luagen-runtime.ts', 'scripts/a.ts']);
    expect((await cli(dir, 'build')).code).toBe(0);
    expect(listFiles(join(dir, 'from-pkg'))).toEqual(['.redis-luagen-cache.json', 'index.ts', 'other/b.ts', 'redis-luagen-runtime.ts', 'scripts/a.ts']);
  });

  it('reports RL004 for two scripts with one wrapper name, on both files', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a/get-value.lua': GET, 'lua/b/get_value.lua': GET });
    const r = await cli(dir, 'build', '--format', 'plain');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "lua/a/get-value.lua:1:1: error RL004 name-collision the wrapper 'getValue' (a/get-value.ts) collides with lua/b/get_value.lua\n" +
        "lua/b/get_value.lua:1:1: error RL004 name-collision the wrapper 'getValue' would export 'getValue', which lua/a/get-value.lua exports too\n",
    );
  });
});

describe('check', () => {
  it('passes on fresh output and reports missing, stale and extra files', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a.lua': GET, 'lua/b.lua': INCR });
    expect((await cli(dir, 'check')).code).toBe(1);
    await cli(dir, 'build');
    const clean = await cli(dir, 'check');
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('0 generated files out of date');

    writeFileSync(join(dir, 'lua/a.lua'), GET.replace('string?', 'string? changed'));
    rmSync(join(dir, 'gen/b.ts'));
    writeFileSync(join(dir, 'gen/gone.ts'), '// Code generated by redis-luagen from lua/gone.lua. DO NOT EDIT.\n');
    const before = listFiles(join(dir, 'gen'));
    const r = await cli(dir, 'check', '--format', 'plain');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('gen/gone.ts:1:1: error RL011 stale-output gen/gone.ts is extra: its script is gone\n');
    expect(r.stdout).toContain('lua/a.lua:1:1: error RL011 stale-output its wrapper gen/a.ts is stale\n');
    expect(r.stdout).toContain('lua/b.lua:1:1: error RL011 stale-output its wrapper gen/b.ts is missing\n');
    expect(r.stderr).toContain('generated files are out of date: run redis-luagen build');
    expect(listFiles(join(dir, 'gen'))).toEqual(before);

    // Every format carries them, so CI annotations and code scanning show a forgotten build.
    const json = JSON.parse((await cli(dir, 'check', '--format', 'json')).stdout) as Array<{ code: string; file: string }>;
    expect(json.filter((d) => d.code === 'RL011').map((d) => d.file)).toEqual(['gen/gone.ts', 'lua/a.lua', 'lua/b.lua']);
    expect((await cli(dir, 'check', '--format', 'github')).stdout).toContain('::error file=lua/a.lua,line=1,');
    const sarif = JSON.parse((await cli(dir, 'check', '--format', 'sarif')).stdout) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0]?.results.filter((x) => x.ruleId === 'RL011')).toHaveLength(3);
    expect((await cli(dir, 'check')).stdout).toMatch(/RL011/);
  });

  it('fails on errors, and on warnings above --max-warnings', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/legacy.lua': 'return redis.call("GET", KEYS[1])\n' });
    await cli(dir, 'build');
    expect((await cli(dir, 'check')).code).toBe(0);
    const strict = await cli(dir, 'check', '--max-warnings', '0');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('1 warnings exceed --max-warnings 0');
  });

  it('prints every format', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/bad.lua': '---@key k\n---@arg n integr\nreturn 1\n' });
    await cli(dir, 'build'); // the output on disk is fresh: only the script's finding is printed
    const json = await cli(dir, 'check', '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual([
      {
        code: 'RL002',
        rule: 'bad-annotation',
        severity: 'error',
        message: "unknown type 'integr'",
        file: 'lua/bad.lua',
        line: 2,
        column: 11,
        endLine: 2,
        endColumn: 17,
        hint: "types: string, integer, number, boolean, buffer, json, or a union of string literals such as 'asc'|'desc'",
      },
    ]);
    const plain = await cli(dir, 'check', '--format', 'plain');
    expect(plain.stdout).toBe("lua/bad.lua:2:11: error RL002 bad-annotation unknown type 'integr'\n");
    const github = await cli(dir, 'check', '--format', 'github');
    expect(github.stdout).toBe(
      "::error file=lua/bad.lua,line=2,col=11,endLine=2,endColumn=17,title=RL002 bad-annotation::unknown type 'integr' (hint: types: string, integer, number, boolean, buffer, json, or a union of string literals such as 'asc'|'desc')\n",
    );
    const sarif = JSON.parse((await cli(dir, 'check', '--format', 'sarif')).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: 'RL002',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'lua/bad.lua' }, region: { startLine: 2, startColumn: 11, endLine: 2, endColumn: 17 } } }],
    });
    expect(sarif.runs[0].tool.driver.rules[sarif.runs[0].results[0].ruleIndex].name).toBe('bad-annotation');
    const pretty = await cli(dir, 'check');
    expect(pretty.stdout).toBe(
      "error RL002 bad-annotation: unknown type 'integr'\n" +
        '  --> lua/bad.lua:2:11\n' +
        '    |\n' +
        '  2 | ---@arg n integr\n' +
        '    |           ^^^^^^\n' +
        "  = hint: types: string, integer, number, boolean, buffer, json, or a union of string literals such as 'asc'|'desc'\n",
    );
  });

  it('makes file paths relative to the working directory', async () => {
    const dir = project({ 'app/redis-luagen.config.json': CONFIG, 'app/lua/bad.lua': '---@return integr\nreturn 1\n' });
    await cli(dir, 'build', '--config', 'app/redis-luagen.config.json');
    const r = await cli(dir, 'check', '--config', 'app/redis-luagen.config.json', '--format', 'plain');
    expect(r.stdout).toBe("app/lua/bad.lua:1:12: error RL002 bad-annotation unknown return type 'integr'\n");
  });
});

describe('config errors exit 2 and name the key', () => {
  it.each([
    [{ inclde: ['*.lua'] }, 'redis-luagen.config.json: "inclde": unknown key'],
    [{ include: 5 }, '"include": must be a glob string or an array'],
    [{ minify: 'fast' }, `"minify": must be 'none' or 'full', got "fast"`],
    [{ minify: true }, `"minify": must be 'none' or 'full', got true`],
    [{ rules: { 'unused-keys': 'off' } }, '"rules.unused-keys": unknown rule'],
    [{ rules: { 'unused-key': 'loud' } }, '"rules.unused-key": must be one of "error", "warning", "info", "off", got "loud"'],
    [{ rules: { 'syntax-error': 'off' } }, '"rules.syntax-error": RL001 syntax-error is an input error and cannot be changed'],
    [{ outDir: '' }, '"outDir": must be a non-empty folder path'],
  ])('%j', async (config, message) => {
    const dir = project({ 'redis-luagen.config.json': JSON.stringify(config), 'a.lua': GET });
    const r = await cli(dir, 'build');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`redis-luagen: config error: ${message.startsWith('redis-luagen.config.json') ? '' : 'redis-luagen.config.json: '}${message}`);
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });

  it('reports invalid JSON with line and column', async () => {
    const dir = project({ 'redis-luagen.config.json': '{\n  "outDir": "x",\n  oops\n}\n' });
    const r = await cli(dir, 'check');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config error: redis-luagen\.config\.json: invalid JSON at line 3, column 3/);
  });

  it('reports a missing --config file', async () => {
    const dir = project({});
    const r = await cli(dir, 'build', '--config', 'nope.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config error: nope.json: cannot read the config file');
  });

  it('severities from the config apply', async () => {
    const dir = project({
      'redis-luagen.config.json': JSON.stringify({ rules: { 'missing-contract': 'error', 'unused-key': 'off', 'could-be-read-only': 'off' } }),
      'legacy.lua': 'return redis.call("GET", KEYS[1])\n',
      'unused.lua': '---@key k\n---@key spare\n---@return string?\nreturn redis.call("GET", KEYS[1])\n',
    });
    await cli(dir, 'build');
    const r = await cli(dir, 'check', '--format', 'plain');
    expect(r.stdout).toBe(
      'legacy.lua:1:1: error RL006 missing-contract no contract: inferred 1 key (key1) and no args of type string; the reply is typed as any\n',
    );
  });
});

describe('the installed bin', () => {
  it('checks the example project from a child process with exit code 0', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin/redis-luagen.js'), 'check', '--config', 'generated-example/redis-luagen.config.json'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/20 scripts, 0 generated files out of date, 0 errors, 1 warning/);
    expect(r.status).toBe(0);
  });

  it('exits 1 on findings and 2 on usage errors', () => {
    const dir = project({ 'a.lua': 'return +\n' });
    const run = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/redis-luagen.js'), ...args], { cwd: dir, encoding: 'utf8' });
    expect(run('check').status).toBe(1);
    expect(run('frobnicate').status).toBe(2);
  });

  it('answers --version and help without loading the compiler', () => {
    // A loader hook that fails the process if anything under dist/src/ other than help.js loads.
    const dir = project({
      'guard.mjs': "export async function resolve(s, c, next) { const r = await next(s, c); if (/dist\\/src\\/(?!cli\\/help\\.js)/.test(r.url)) { process.stderr.write('loaded ' + r.url); process.exit(9); } return r; }\n",
      'register.mjs': "import { register } from 'node:module';\nregister(new URL('./guard.mjs', import.meta.url));\n",
    });
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(REPO, 'bin/redis-luagen.js'), ...args], { cwd: REPO, encoding: 'utf8' });
    const version = run('--version');
    expect(version.stderr).toBe('');
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
    expect(run('build', '--help').stdout).toContain('Usage: redis-luagen build');
    expect(run('build', '--help').status).toBe(0);
    // The guard does stop a command that needs the compiler.
    expect(run('check', '--config', 'generated-example/redis-luagen.config.json').status).toBe(9);
  });
});

describe('watch from the command line', () => {
  it('builds, keeps running until stopped, then exits 0', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a.lua': GET });
    let stop: () => void = () => undefined;
    const untilStopped = new Promise<void>((r) => (stop = r));
    let stderr = '';
    const running = main(['watch'], { cwd: dir, stdout: () => undefined, stderr: (t) => (stderr += t), color: false, untilStopped });
    const deadline = Date.now() + 10000;
    while (!stderr.includes('watching') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toMatch(/1 script, 3 written, 0 removed, 0 errors, 0 warnings in \d+ ms\nredis-luagen: watching \. \(Ctrl-C to stop\)\n$/);
    expect(existsSync(join(dir, 'gen/a.ts'))).toBe(true);
    stop();
    expect(await running).toBe(0);
  });
});

describe('RL004 points at ---@name when there is one', () => {
  it('reports the annotation position', async () => {
    const dir = project({
      'redis-luagen.config.json': CONFIG,
      'lua/a.lua': GET,
      'lua/b.lua': '--- reads\n---@name a\n' + GET,
    });
    const r = await cli(dir, 'check', '--format', 'plain');
    expect(r.stdout).toContain("lua/b.lua:2:10: error RL004 name-collision the wrapper 'a' would export 'a', which lua/a.lua exports too\n");
  });
});

describe('minify', () => {
  const SCRIPT = '#!lua flags=no-writes\n-- comment\n---@key k\nlocal value = redis.call("GET", KEYS[1])\n\nreturn value\n';

  it('prints exactly the bytes that are sent', async () => {
    const dir = project({ 'a.lua': SCRIPT });
    const full = await cli(dir, 'minify', 'a.lua');
    expect(full.code).toBe(0);
    expect(full.stdout).toBe('#!lua flags=no-writes\nlocal a=redis.call("GET",KEYS[1])\nreturn a');
    const { compile } = await import('../src/compile.js');
    expect(full.stdout).toBe(compile(SCRIPT, { path: 'a.lua' }).model?.lua);
    const none = await cli(dir, 'minify', 'a.lua', '--mode', 'none');
    expect(none.stdout).toBe(SCRIPT);
  });

  it('refuses a script Redis would refuse, and bad usage', async () => {
    const dir = project({ 'bad.lua': 'return +\n' });
    const r = await cli(dir, 'minify', 'bad.lua');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("RL001 syntax-error: unexpected symbol near '+'");
    expect((await cli(dir, 'minify')).code).toBe(2);
    expect((await cli(dir, 'minify', 'bad.lua', '--mode', 'tiny')).stderr).toContain("--mode must be full or none, got 'tiny'");
    expect((await cli(dir, 'minify', 'missing.lua')).code).toBe(2);
  });
});

describe('includes', () => {
  const HELPER = 'local function bump(k) return redis.call("INCR", k) end\n';
  const SCRIPT = '---@key k\n---@return integer\n--- @include "../shared/bump"\nreturn bump(KEYS[1])\n';

  it('check reports a stale wrapper after an included file changes, even outside the include globs', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/bump-it.lua': SCRIPT.replace('../shared/bump', '~/shared/bump'), 'shared/bump.lua': HELPER });
    expect((await cli(dir, 'build')).code).toBe(0);
    expect((await cli(dir, 'check')).code).toBe(0);
    writeFileSync(join(dir, 'shared/bump.lua'), HELPER.replace('"INCR", k', '"INCRBY", k, 2'));
    const r = await cli(dir, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/its wrapper gen\/bump-it\.ts is stale/);
  });

  it('a finding in an included file is printed with that file, line and code frame', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/bump-it.lua': SCRIPT.replace('../shared/bump', '~/shared/bump'), 'shared/bump.lua': 'local function bump(k) return redis.call("INCR", "literal") end\n' });
    const r = await cli(dir, 'check', '--format', 'plain');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('shared/bump.lua:1:50: error RL101 undeclared-key INCR uses as a key the literal "literal"');
  });
});

describe('finding the config', () => {
  it('searches upward from a subfolder, as tsc and ESLint do, and stops at the repository root', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a.lua': GET, 'lua/deep/b.lua': INCR });
    const r = await cli(join(dir, 'lua/deep'), 'build');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'gen/a.ts'))).toBe(true);
    expect(existsSync(join(dir, 'lua/deep/generated'))).toBe(false);
    // A repository boundary between the folder and the config: the search stops there.
    mkdirSync(join(dir, 'lua/deep/.git'));
    const inner = await cli(join(dir, 'lua/deep'), 'check', '--format', 'plain');
    expect(inner.stderr).not.toMatch(/gen\//);
    expect(existsSync(join(dir, 'lua/deep/gen'))).toBe(false);
  });
});

describe('init', () => {
  it('writes a config and a first script that build and check cleanly, then refuses to overwrite', async () => {
    const dir = project({});
    const r = await cli(dir, 'init');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('npx redis-luagen build');
    const config = JSON.parse(readFileSync(join(dir, 'redis-luagen.config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.$schema).toBe('./node_modules/redis-luagen/redis-luagen.schema.json');
    expect((await cli(dir, 'build')).code).toBe(0);
    expect(readFileSync(join(dir, 'src/generated/rate-limit.ts'), 'utf8')).toMatch(/export function rateLimit\(redis: Client, params: RateLimitParams\)/);
    const check = await cli(dir, 'check', '--max-warnings', '0');
    expect(check.code).toBe(0);
    writeFileSync(join(dir, 'scripts/rate-limit.lua'), '-- mine\n');
    const again = await cli(dir, 'init');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('redis-luagen.config.json exists already');
    expect(readFileSync(join(dir, 'scripts/rate-limit.lua'), 'utf8')).toBe('-- mine\n');
  });

  it('names the client: node-redis for an app that depends on redis and not ioredis, or the one --client gives', async () => {
    const clientOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'redis-luagen.config.json'), 'utf8')) as { client?: string }).client;
    const nodeRedisApp = project({ 'package.json': JSON.stringify({ dependencies: { redis: '^6.3.1' } }) });
    expect((await cli(nodeRedisApp, 'init')).stdout).toContain('(wrappers for node-redis)');
    expect(clientOf(nodeRedisApp)).toBe('node-redis');
    expect((await cli(nodeRedisApp, 'build')).code).toBe(0);
    expect(readFileSync(join(nodeRedisApp, 'src/generated/rate-limit.ts'), 'utf8')).toContain('chain: Chain');
    const both = project({ 'package.json': JSON.stringify({ dependencies: { redis: '^6.3.1', ioredis: '^5.4.0' } }) });
    await cli(both, 'init');
    expect(clientOf(both)).toBeUndefined();
    const chosen = project({});
    expect((await cli(chosen, 'init', '--client', 'node-redis')).code).toBe(0);
    expect(clientOf(chosen)).toBe('node-redis');
  });

  it('the shipped JSON Schema is the one the validator lists (rules, keys)', async () => {
    const { configSchema } = await import('../src/config/schema.js');
    expectGolden(join(REPO, 'redis-luagen.schema.json'), `${JSON.stringify(configSchema(), null, 2)}\n`);
    const schema = configSchema() as { properties: { rules: { properties: Record<string, unknown> } } };
    expect(Object.keys(schema.properties.rules.properties)).toContain('unused-local');
    expect(Object.keys(schema.properties.rules.properties)).not.toContain('syntax-error'); // input rules cannot be changed
  });
});

describe('rule documentation', () => {
  it('explain prints a rule page by code or name, and suggests a near name', async () => {
    const byCode = await cli(REPO, 'explain', 'RL101');
    expect(byCode.code).toBe(0);
    expect(byCode.stdout).toMatch(/^# RL101 undeclared-key\n/);
    expect(byCode.stdout).toContain('Wrong:');
    expect((await cli(REPO, 'explain', 'unused-local')).stdout).toMatch(/^# RL402 unused-local/);
    const typo = await cli(REPO, 'explain', 'undeclared-kye');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean undeclared-key?');
  });

  it('SARIF rules carry the full description and help of their page', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/bad.lua': '---@return integr\nreturn 1\n' });
    const sarif = JSON.parse((await cli(dir, 'check', '--format', 'sarif')).stdout) as {
      runs: Array<{ tool: { driver: { informationUri: string; rules: Array<{ id: string; fullDescription?: { text: string }; help?: { markdown: string } }> } } }>;
    };
    const driver = sarif.runs[0]?.tool.driver;
    expect(driver?.informationUri).toMatch(/^https:\/\//);
    const rl002 = driver?.rules.find((r) => r.id === 'RL002');
    expect(rl002?.fullDescription?.text).toMatch(/contract block/);
    expect(rl002?.help?.markdown).toContain('Wrong:');
  });
});

describe('options for editors, hooks and terminals', () => {
  const BIN_PATH = join(REPO, 'bin/redis-luagen.js');

  it('check - reads one script from stdin, checked as --stdin-filename with the project config', () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a.lua': GET });
    const r = spawnSync(process.execPath, [BIN_PATH, 'check', '-', '--stdin-filename', 'lua/typed.lua', '--format', 'plain'], { cwd: dir, input: '---@return integr\nreturn 1\n', encoding: 'utf8' });
    expect(r.stdout).toBe("lua/typed.lua:1:12: error RL002 bad-annotation unknown return type 'integr'\n");
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, 'gen'))).toBe(false);
    const clean = spawnSync(process.execPath, [BIN_PATH, 'check', '-', '--format', 'plain'], { cwd: dir, input: GET, encoding: 'utf8' });
    expect(clean.stdout).toBe('');
    expect(clean.status).toBe(0);
  });

  it('--quiet prints errors only and no summary', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/legacy.lua': 'return redis.call("GET", KEYS[1])\n', 'lua/bad.lua': '---@return integr\nreturn 1\n' });
    const loud = await cli(dir, 'build', '--format', 'plain');
    expect(loud.stdout).toMatch(/RL006/);
    const quiet = await cli(dir, 'build', '--format', 'plain', '--quiet');
    expect(quiet.stdout).not.toMatch(/RL006/);
    expect(quiet.stdout).toMatch(/RL002/);
    expect(quiet.stderr).toBe('');
  });

  it('colour follows FORCE_COLOR and NO_COLOR, and --color / --no-color win', () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/bad.lua': '---@return integr\nreturn 1\n' });
    const run = (env: Record<string, string>, ...args: string[]) => {
      const clean = { ...process.env };
      delete clean.FORCE_COLOR;
      delete clean.NO_COLOR;
      return spawnSync(process.execPath, [BIN_PATH, 'check', ...args], { cwd: dir, encoding: 'utf8', env: { ...clean, ...env } }).stdout;
    };
    const ESC = '\u001b[';
    expect(run({})).not.toContain(ESC); // a pipe is not a terminal
    expect(run({ FORCE_COLOR: '1' })).toContain(ESC);
    expect(run({ FORCE_COLOR: '1' }, '--no-color')).not.toContain(ESC);
    expect(run({ NO_COLOR: '1' }, '--color')).toContain(ESC);
  });
});

describe('progress and detail', () => {
  it('a terminal gets a progress line on a long run, cleared at the end; --verbose lists each script', async () => {
    const files: Record<string, string> = { 'redis-luagen.config.json': CONFIG };
    for (let i = 0; i < 30; i++) files[`lua/s${i}.lua`] = GET;
    const dir = project(files);
    let stderr = '';
    const io = { cwd: dir, stdout: () => undefined, stderr: (t: string) => (stderr += t), color: false, progress: { afterMs: 0 } };
    expect(await main(['build', '--verbose'], io)).toBe(0);
    expect(stderr).toMatch(/\r\u001b\[K\[\d+\/30\] lua\/s\d+\.lua/);
    expect(stderr).toMatch(/\r\u001b\[K(?!\[)redis-luagen: built/); // cleared before what follows
    expect(stderr).toContain('redis-luagen: built  lua/s0.lua -> s0.ts\n');
    // Not a terminal (no progress option), or --quiet: no progress line.
    stderr = '';
    expect(await main(['check', '--quiet'], io)).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('check --lint', () => {
  it('reports the scripts findings and neither generates nor compares the output folder', async () => {
    const dir = project({ 'redis-luagen.config.json': CONFIG, 'lua/a.lua': GET, 'lua/bad.lua': '---@return integr\nreturn 1\n' });
    // Nothing was built: a full check reports the missing outputs, --lint does not.
    expect((await cli(dir, 'check', '--format', 'plain')).stdout).toMatch(/RL011/);
    const lint = await cli(dir, 'check', '--lint', '--format', 'plain');
    expect(lint.stdout).toBe("lua/bad.lua:1:12: error RL002 bad-annotation unknown return type 'integr'\n");
    expect(lint.stderr).toContain('output not compared (--lint)');
    expect(lint.code).toBe(1);
    expect(existsSync(join(dir, 'gen'))).toBe(false);
    expect((await cli(dir, 'build', '--lint')).code).toBe(2); // an option of check only
  });
});
