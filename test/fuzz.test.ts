// A seeded slice of the compiler's fuzzer (test/support/fuzz.ts; the long run is
// `npm run fuzz`): every input ends in a result, Lua's verdict is ours, and the minified
// text of every valid input is the same program.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInput, corpus, fuzzInput, type FuzzFinding } from './support/fuzz.js';
import { hasLuac } from './support/luac.js';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = corpus(ROOT, ['fixtures', 'generated-example/scripts']);
const SLICE = 1200;

describe('fuzzing the compiler (seeded slice)', () => {
  it('luac 5.1 is installed (the oracle)', () => {
    expect(hasLuac()).toBe(true);
  });

  it(`${SLICE} inputs: no crash, Lua's verdict, the same program after minifying`, () => {
    const findings: FuzzFinding[] = [];
    for (let n = 0; n < SLICE; n++) findings.push(...checkInput(fuzzInput(SOURCES, 1, n), { luac: true }));
    expect(findings.map((f) => `${f.kind} ${f.origin}: ${f.detail}\n${f.text.slice(0, 300)}`)).toEqual([]);
  }, 300_000);
});
