// Every fixture compiles to exactly the diagnostics in its .expected file (plain format,
// plus the hint), and fixtures under fixtures/ok have no error.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { expectGolden } from './support/golden.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export function fixtureFiles(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((f) => f.endsWith('.lua'))
    .sort()
    .map((f) => `${folder}/${f}`);
}

function describeDiagnostics(path: string): string {
  const result = compile(readFileSync(join(FIXTURES, path)), { path: `fixtures/${path}` });
  const lines = result.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}: ${d.severity} ${d.code} ${d.rule} ${d.message}\n  hint: ${d.hint}\n`,
  );
  return lines.join('') || '(no diagnostics)\n';
}

describe('diagnostic fixtures', () => {
  it.each(fixtureFiles('diagnostics'))('%s', (path) => {
    const text = describeDiagnostics(path);
    expect(text).toMatch(/ (error|warning|info) RL\d{3} /);
    expectGolden(join(FIXTURES, path.replace(/\.lua$/, '.expected')), text);
  });
});

describe('fixtures that must compile', () => {
  it.each(fixtureFiles('ok'))('%s', (path) => {
    const result = compile(readFileSync(join(FIXTURES, path)), { path: `fixtures/${path}` });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.model).toBeDefined();
    expectGolden(join(FIXTURES, path.replace(/\.lua$/, '.expected')), describeDiagnostics(path));
  });
});
