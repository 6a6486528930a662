// Every analysis rule: a file named after it, a unique code, docs whose wrong example
// triggers it and whose right example does not, fixtures that must trigger it and fixtures
// that must not, and golden diagnostics for every fixture.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { RULES } from '../src/diagnostics/codes.js';
import { ANALYSIS_RULES } from '../src/analyze/rules/index.js';
import type { Target } from '../src/analyze/data/index.js';
import { expectGolden } from './support/golden.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures', 'rules');

function rulesHit(source: string | Buffer, path: string, target?: Target): string[] {
  return compile(source, { path, ...(target ? { target } : {}) }).diagnostics.map((d) => d.rule);
}

function render(path: string, target?: Target): string {
  const result = compile(readFileSync(join(ROOT, path)), { path, ...(target ? { target } : {}) });
  return (
    result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}: ${d.severity} ${d.code} ${d.rule} ${d.message}\n  hint: ${d.hint}\n`).join('') ||
    '(no diagnostics)\n'
  );
}

const names = Object.keys(ANALYSIS_RULES) as Array<keyof typeof ANALYSIS_RULES>;

describe('the rule index', () => {
  it('lists every rule of the catalogue that is not an input rule', () => {
    const notAnalysis = ['missing-contract', 'unused-suppression'];
    const catalogue = Object.keys(RULES).filter((n) => !RULES[n as keyof typeof RULES].fixed && !notAnalysis.includes(n));
    expect(names.sort()).toEqual(catalogue.sort());
  });

  it('gives every rule a unique code', () => {
    const codes = Object.values(RULES).map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe.each(names)('rule %s', (name) => {
  const rule = ANALYSIS_RULES[name];
  const folder = join(FIXTURES, name);
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.lua')).sort() : [];

  it('lives in a file named after it, with docs', () => {
    expect(rule.name).toBe(name);
    expect(existsSync(join(ROOT, 'src/analyze/rules', `${name}.ts`))).toBe(true);
    expect(rule.docs.rationale.length).toBeGreaterThan(40);
    expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
  });

  it('is triggered by its wrong example and not by its right example', () => {
    expect(rulesHit(rule.docs.wrong, 'wrong.lua', rule.docs.target)).toContain(name);
    expect(rulesHit(rule.docs.right, 'right.lua', rule.docs.target)).not.toContain(name);
    // A rule of one target is silent for the others.
    if (rule.docs.target) expect(rulesHit(rule.docs.wrong, 'wrong.lua')).not.toContain(name);
  });

  it('has fixtures that must trigger it and fixtures that must not', () => {
    expect(files.filter((f) => f.startsWith('bad-')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('good-')).length).toBeGreaterThan(0);
  });

  it.each(files)('%s', (file) => {
    const path = `fixtures/rules/${name}/${file}`;
    const hit = rulesHit(readFileSync(join(ROOT, path)), path, rule.docs.target);
    if (file.startsWith('bad-')) expect(hit).toContain(name);
    else expect(hit).not.toContain(name);
    expectGolden(join(ROOT, path.replace(/\.lua$/, '.expected')), render(path, rule.docs.target));
  });
});

describe('docs/rules.md', () => {
  it('is generated from the rule modules', async () => {
    const { renderRulesDoc } = await import('../src/analyze/rules-doc.js');
    expectGolden(join(ROOT, 'docs', 'rules.md'), renderRulesDoc());
  });
});
