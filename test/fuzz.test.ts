// Any bytes given to the compiler yield diagnostics, never a crash or a hang: random byte
// strings, and fixtures with random bytes inserted, deleted or flipped (seeded, repeatable).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { rng } from './support/lua-gen.js';
import { createEmitter, emitWrapper } from '../src/codegen/emit-wrapper.js';
import type { WrapperModel } from '../src/codegen/wrapper-model.js';

const ROOT = join(import.meta.dirname, '..');
const corpus = ['fixtures/ok', 'fixtures/diagnostics', 'generated-example/scripts'].flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith('.lua'))
    .map((f) => readFileSync(join(ROOT, folder, f))),
);
const ALPHABET = Buffer.from('-[]=(){}\'"\\\n\r\t #!@.,:;KEYSARGV0123456789luaflags=local function end return ---@key ---@arg ---@return ...\xef\xbb\xbf\xff\x00');

const models: WrapperModel[] = [];

function check(bytes: Uint8Array): void {
  const started = performance.now();
  const result = compile(bytes, { path: 'fuzz.lua' });
  const ms = performance.now() - started;
  expect(ms).toBeLessThan(2000);
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.code).toMatch(/^RL\d{3}$/);
  }
  if (result.model) {
    expect(result.model.sha).toMatch(/^[0-9a-f]{40}$/);
    models.push(result.model);
  }
}

describe('fuzz', () => {
  it('random byte strings', () => {
    const r = rng(1);
    for (let i = 0; i < 1500; i++) {
      const len = Math.floor(r() * 200);
      const bytes = new Uint8Array(len);
      for (let j = 0; j < len; j++) bytes[j] = r() < 0.7 ? (ALPHABET[Math.floor(r() * ALPHABET.length)] as number) : Math.floor(r() * 256);
      check(bytes);
    }
  });

  it('mutated fixtures', () => {
    const r = rng(2);
    for (let i = 0; i < 1500; i++) {
      const base = Buffer.from(corpus[Math.floor(r() * corpus.length)] as Buffer);
      const bytes = [...base];
      const edits = 1 + Math.floor(r() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * (bytes.length + 1));
        const op = r();
        const b = r() < 0.8 ? (ALPHABET[Math.floor(r() * ALPHABET.length)] as number) : Math.floor(r() * 256);
        if (op < 0.4) bytes.splice(at, 0, b);
        else if (op < 0.7) bytes.splice(at, 1);
        else bytes[at] = b;
      }
      check(Uint8Array.from(bytes));
    }
  });

  it('every model that compiled emits valid, formatted TypeScript', async () => {
    expect(models.length).toBeGreaterThan(50);
    const project = createEmitter();
    for (const model of models.filter((_, i) => i % 5 === 0)) {
      const text = await emitWrapper(project, model);
      expect(text).toContain(`export function ${model.name}(`);
    }
  });
});
