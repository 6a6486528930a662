// The minifier, proven on every fixture and example script: the output re-parses, minifying
// it again changes nothing, and luac5.1 -s compiles source and output to the same bytecode.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLua } from '../src/parse/parse-lua.js';
import { readShebang } from '../src/parse/shebang.js';
import { minifyLua } from '../src/minify/minify-lua.js';
import { sameBytecode } from './support/luac.js';
import { canonicalTree } from './support/ast-equal.js';

const ROOT = join(import.meta.dirname, '..');

export function luaFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? luaFiles(`${folder}/${e.name}`) : e.name.endsWith('.lua') ? [`${folder}/${e.name}`] : [],
  );
}

export function minify(text: string): { text: string; lineMap: number[] } | undefined {
  const sb = readShebang(text);
  if (sb.kind === 'error') return undefined; // Redis refuses it: nothing is minified or sent
  const end = sb.kind === 'ok' ? sb.shebang.end : 0;
  const parsed = parseLua(text, end);
  if (!parsed.ok) return undefined;
  return minifyLua(text, parsed.parsed, end);
}

const files = [...luaFiles('fixtures'), ...luaFiles('generated-example/scripts')]
  .filter((f) => minify(readFileSync(join(ROOT, f), 'utf8')) !== undefined)
  .sort();

describe('minifier on the fixtures', () => {
  it('covers them', () => expect(files.length).toBeGreaterThan(90));

  it.each(files)('%s', (path) => {
    const text = readFileSync(join(ROOT, path), 'utf8');
    const once = minify(text)!;
    const twice = minify(once.text);
    expect(twice?.text).toBe(once.text);
    expect(sameBytecode(text, once.text)).toBe(true);
    expect(canonicalTree(once.text)).toBe(canonicalTree(text));
    expect(once.text.length).toBeLessThanOrEqual(text.length);
  });
});

describe('the bytecode oracle', () => {
  it('tells different programs apart, even when only the grouping differs', () => {
    expect(sameBytecode('return 1 + 2 * x', 'return (1 + 2) * x')).toBe(false);
    expect(sameBytecode('local a = 1 return a', 'local b = 1 return b')).toBe(true);
    expect(sameBytecode('local function f()\n\nreturn 1\nend return f()', 'local function f() return 1 end return f()')).toBe(true);
  });
});
