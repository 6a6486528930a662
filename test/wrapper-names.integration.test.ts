// Every wrapper name either works in every module format or is refused with the reason.
// Refused: names that make a module thenable, CommonJS module-scope names, names whose
// exports collide with what the generated code imports. Allowed odd names (Object.prototype
// members, globals) are compiled with tsc as ESM and CommonJS and run against a real server.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { compileProject } from '../src/compile-project.js';
import { readRuntimeTemplate } from '../src/io/files.js';
import { validateConfig } from '../src/config/config.js';

const REPO = join(import.meta.dirname, '..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
mkdirSync(join(REPO, '.tmp'), { recursive: true });
const work = mkdtempSync(join(REPO, '.tmp', 'names-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const script = (name?: string) => `${name ? `---@name ${name}\n` : ''}---@key k\n---@arg v string\n---@return string\nredis.call('SET', KEYS[1], ARGV[1])\nreturn ARGV[1]\n`;

async function build(files: Array<{ path: string; bytes: string }>) {
  return compileProject({ config: validateConfig('inline', { outDir: 'gen' }), files, runtimeTemplate: readRuntimeTemplate() });
}

describe('names that cannot work are refused with the reason', () => {
  it.each([
    ['then', 'RL002', /thenable/],
    ['exports', 'RL002', /CommonJS/],
    ['require', 'RL002', /CommonJS/],
    ['module', 'RL002', /CommonJS/],
    ['__filename', 'RL002', /CommonJS/],
    ['__proto__', 'RL002', /prototype of the exports object/],
    ['__esModule', 'RL002', /__esModule/],
    ['queue', 'RL004', /'queueScript', which every wrapper module imports/],
    ['run', 'RL004', /'runScript', which every wrapper module imports/],
    ['runScript', 'RL004', /'runScript', which every wrapper module imports/],
    ['queueScript', 'RL004', /'queueScript', which every wrapper module imports/],
    ['allScripts', 'RL004', /which the index exports/],
    ['ChainableCommander', 'RL004', /which every wrapper module imports/],
    ['delete', 'RL002', /reserved word/],
  ])('---@name %s', async (name, code, reason) => {
    const result = await build([{ path: 'x.lua', bytes: script(name) }]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual([code]);
    expect(errors[0]!.message).toMatch(reason);
    expect(errors[0]!.hint).toMatch(/---@name/);
    expect(result.outputs.has('x.ts')).toBe(false);
  });

  it.each([['then.lua'], ['exports.lua'], ['queue.lua']])('the file name %s', async (path) => {
    const result = await build([{ path, bytes: script() }]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.hint).toMatch(/---@name/);
  });
});

const ODD = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'Promise', 'Buffer', 'name', 'length', 'async', 'get', 'prototype'];

describe.each([
  ['esm', 'NodeNext', 'NodeNext', 'module'],
  ['commonjs', 'CommonJS', 'Node10', 'commonjs'],
])('odd but valid names as %s', (kind, module, resolution, type) => {
  it('compile with tsc --strict and run', async () => {
    const result = await build(ODD.map((name, i) => ({ path: `s${i}.lua`, bytes: script(name) })));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const src = join(work, kind, 'src');
    const out = join(work, kind, 'out');
    mkdirSync(src, { recursive: true });
    for (const [path, text] of result.outputs) writeFileSync(join(src, path), text);
    const tsc = spawnSync(
      process.execPath,
      [TSC, '--outDir', out, '--module', module, '--moduleResolution', resolution, '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', '--rootDir', src, join(src, 'index.ts')],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type }));
    const body = `
      const redis = new Redis({ port: ${inject('redisStandalonePort')} });
      const names = ${JSON.stringify(ODD)};
      const replies = [];
      for (const n of names) replies.push(await index[n](redis, { k: 'names:' + n, v: n }));
      console.log(JSON.stringify({ replies, thenable: typeof index.then, scripts: index.allScripts.length }));
      await redis.quit();`;
    const main =
      type === 'module'
        ? `import { Redis } from 'ioredis';\nconst index = await import('./index.js');\n${body}`
        : `const { Redis } = require('ioredis');\nconst index = require('./index.js');\n(async () => {${body}})();`;
    writeFileSync(join(out, 'main.js'), main);
    const run = spawnSync(process.execPath, [join(out, 'main.js')], { encoding: 'utf8', timeout: 20000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ replies: ODD, thenable: 'undefined', scripts: ODD.length });
  });
});

describe('field names', () => {
  it('a key or arg named __proto__ is refused: an object literal cannot pass it', async () => {
    for (const line of ['---@key __proto__', '---@arg __proto__ string']) {
      const result = await build([{ path: 'x.lua', bytes: `${line}\nreturn 1\n` }]);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code)).toEqual(['RL002']);
      expect(errors[0]!.message).toMatch(/sets the prototype/);
    }
  });
});
