// Wrappers are formatted with prettier's babel-ts parser (about twice as fast as its typescript
// parser). Both must give the same bytes for every wrapper we print: the example, the
// fixtures, a synthetic project, and contracts at the edges of the layout (long names, long
// literal unions, many keys, deep reply types, long module paths).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { emitWrapper, wrapperSource } from '../src/codegen/emit-wrapper.js';
import type { WrapperModel } from '../src/codegen/wrapper-model.js';
import { writeProject } from './support/synthetic-project.js';

const REPO = join(import.meta.dirname, '..');
const base = mkdtempSync(join(tmpdir(), 'redis-luagen-format-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function luaUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.lua')).map((f) => join(dir, f));
}

function modelOf(file: string, path = relative(REPO, file)): WrapperModel | undefined {
  return compile(readFileSync(file), { path, module: path.replace(/\.lua$/, '.ts') }).model;
}

const long = (n: number) => 'x'.repeat(n);
const EDGES: Array<[string, string]> = [
  [`scripts/${long(40)}/${long(30)}/deep/deeper/a-very-long-script-name-that-goes-on-and-on.lua`, '---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n'],
  [
    'scripts/unions.lua',
    `---@key k\n---@arg mode ${Array.from({ length: 14 }, (_, i) => `'mode-number-${i}'`).join('|')}\n---@arg ...items string\n---@return [integer, string?, boolean, [string, integer][]]\nreturn {1, nil, true, {}}\n`,
  ],
  [
    'scripts/many.lua',
    `${Array.from({ length: 12 }, (_, i) => `---@key key${i}WithARatherLongNameForTheLayout  description number ${i} ${long(60)}`).join('\n')}\n---@return hash\nreturn redis.call("HGETALL", KEYS[1])\n`,
  ],
  [`scripts/${'n'.repeat(60)}.lua`, '---@key k\n---@arg v buffer\n---@return string?\nreturn redis.call("GETSET", KEYS[1], ARGV[1])\n'],
];

describe('wrapper formatting', () => {
  it('babel-ts and typescript parsers agree on every wrapper', async () => {
    const edges = EDGES.map(([path, text]) => compile(text, { path, module: path.replace(/\.lua$/, '.ts') }));
    expect(edges.map((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message))).toEqual(EDGES.map(() => []));
    const synthetic = writeProject(join(base, 'synthetic'), 150, 3);
    const models = [
      ...luaUnder(join(REPO, 'generated-example/scripts')).map((f) => modelOf(f)),
      ...luaUnder(join(REPO, 'fixtures/ok')).map((f) => modelOf(f)),
      ...synthetic.scripts.map((p) => modelOf(join(synthetic.root, p), p)),
      ...edges.map((r) => r.model),
    ].filter((m): m is WrapperModel => m !== undefined);
    expect(models.length).toBeGreaterThan(150);
    for (const m of models) {
      const typescript = await prettier.format(wrapperSource(m), { parser: 'typescript', singleQuote: true, printWidth: 100, trailingComma: 'all', endOfLine: 'lf' });
      expect(await emitWrapper(m), m.source).toBe(typescript);
    }
  }, 120_000);
});
