// One worker of `npm run fuzz`: checks inputs [from, to) of a seeded stream and prints one
// line per input ("<n> <ms> <findings JSON> <diagnostics digest>"), so the parent can tell a
// hang (no line) and a crash of the process (it ends early) and start a new worker past it.
// Every 200th input that builds also gets its wrapper generated and parsed as TypeScript.
import { join } from 'node:path';
import ts from 'typescript';
import { digest } from './fuzz-digest.js';
import { compileProject } from '../src/compile-project.js';
import { validateConfig } from '../src/config/config.js';
import { readRuntimeTemplate } from '../src/io/files.js';
import { checkInput, corpus, fuzzInput, type FuzzFinding } from '../test/support/fuzz.js';

const [seed, from, to] = process.argv.slice(2).map(Number) as [number, number, number];
const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = corpus(ROOT, ['fixtures', 'generated-example/scripts']);
const config = validateConfig('fuzz.json', { include: ['*.lua'], outDir: 'gen' });
const template = readRuntimeTemplate();

async function typescriptFindings(text: string, origin: string): Promise<FuzzFinding[]> {
  const result = await compileProject({ config, files: [{ path: 'x.lua', bytes: new TextEncoder().encode(text) }], runtimeTemplate: template });
  const out: FuzzFinding[] = [];
  for (const [path, code] of result.outputs) {
    const t = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    for (const d of t.diagnostics ?? []) out.push({ kind: 'finding', origin, detail: `${path}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`, text });
  }
  return out;
}

for (let n = from; n < to; n++) {
  const input = fuzzInput(SOURCES, seed, n);
  const started = performance.now();
  const findings = checkInput(input, { luac: true });
  if (n % 200 === 0 && !findings.length) findings.push(...(await typescriptFindings(input.text, input.origin)));
  const ms = performance.now() - started;
  process.stdout.write(`${n} ${ms.toFixed(1)} ${JSON.stringify(findings)} ${n % 1000 === 0 ? digest(input.text) : '-'}\n`);
}
