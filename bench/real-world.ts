// Real-world benchmark: the checker on Redis Lua that npm packages ship (bench/real-world/
// corpus.ts), downloaded at run time (npm pack, pinned versions; nothing is committed).
//
// For every package, two runs of the whole project:
//   as is     the scripts with no config: what a team sees the first time it runs the tool
//   adopted   with a config that declares the package's conventions (key counts, tagged
//             keys and prefixes, preludes...), no script edited
// It prints findings per rule and per package, the time of `redis-luagen check` against
// luacheck on the same files (medians of 3), and two quality figures:
//   precision  errors whose class is labelled a real problem (bench/real-world/labels.ts), of
//              all errors, as is and adopted; false and unlabelled errors are listed (an
//              unlabelled error does not count as real)
//   recall     every KEYS[i] that reaches a key argument in a script that builds is replaced by
//              a literal key, one at a time: the share of these mutants reported as RL101
//
// Run: npm run bench:real-world
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { compileProject, type ProjectResult } from '../src/compile-project.js';
import { compile } from '../src/compile.js';
import { validateConfig, contractFor, type Config } from '../src/config/config.js';
import { readRuntimeTemplate } from '../src/io/files.js';
import { createSourceFile } from '../src/source/source-file.js';
import { composeScript } from '../src/compose/compose-script.js';
import { checkShebang } from '../src/parse/shebang.js';
import { parseLua, rangeOf } from '../src/parse/parse-lua.js';
import { resolveScopes } from '../src/analyze/scope.js';
import { analyzeValues } from '../src/analyze/values/index.js';
import { resolveCalls } from '../src/analyze/command-calls.js';
import { findLiveness } from '../src/analyze/liveness.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { CORPUS, type Package } from './real-world/corpus.js';
import { labelOf } from './real-world/labels.js';

const REPO = join(import.meta.dirname, '..', '..');
const CACHE = join(REPO, '.tmp', 'real-world');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Downloads and unpacks the package once; returns the absolute folder of its scripts. */
function fetchPackage(p: Package): string {
  const dir = join(CACHE, `${p.name.replace(/[@/]/g, '_')}-${p.version}`);
  if (!existsSync(join(dir, 'package', 'package.json'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const pack = spawnSync('npm', ['pack', `${p.name}@${p.version}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack ${p.name}@${p.version} failed: ${pack.stderr}`);
    const tarball = pack.stdout.trim().split('\n').pop() as string;
    const untar = spawnSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
    if (untar.status !== 0) throw new Error(`cannot unpack ${tarball}`);
  }
  return join(dir, 'package', p.root);
}

interface Run {
  config: Config;
  files: string[];
  result: ProjectResult;
}

async function check(root: string, p: Package, adopted: boolean): Promise<Run> {
  const config = validateConfig('bench', { include: p.include, outDir: '.redis-luagen-bench-out', ...(adopted ? { contracts: p.contracts } : {}) });
  const files = (await glob(p.include, { cwd: root })).sort();
  const read = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path)) : undefined);
  const result = await compileProject({
    config,
    files: files.map((path) => ({ path, bytes: readFileSync(join(root, path)) })),
    runtimeTemplate: readRuntimeTemplate(),
    readSource: read,
  });
  return { config, files, result };
}

/** Wall time of the CLI's check and of luacheck on the same files, medians of 3. */
function timings(root: string, p: Package, run: Run): { ours: number; luacheck: number | undefined; lines: number } {
  const configFile = join(root, '.redis-luagen-bench.json');
  writeFileSync(configFile, JSON.stringify({ include: p.include, outDir: '.redis-luagen-bench-out', contracts: p.contracts }));
  const time = (cmd: string, args: string[]): number => {
    const t = process.hrtime.bigint();
    spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const ours = median([0, 1, 2].map(() => time(process.execPath, [join(REPO, 'bin/redis-luagen.js'), 'check', '--config', configFile, '--format', 'json'])));
  const hasLuacheck = spawnSync('luacheck', ['--version'], { stdio: 'ignore' }).status === 0;
  const luacheck = hasLuacheck ? median([0, 1, 2].map(() => time('luacheck', ['--no-config', '--std', 'lua51', '--formatter', 'plain', '-q', ...run.files]))) : undefined;
  const lines = run.files.reduce((n, f) => n + readFileSync(join(root, f), 'utf8').split('\n').length, 0);
  rmSync(configFile, { force: true });
  return { ours, luacheck, lines };
}

/**
 * Recall: in each script that builds, every KEYS[i] that reaches a key argument (in code that
 * can run) is replaced, one at a time, by the literal 'mutant:key'; the mutant must get RL101.
 */
function recall(root: string, run: Run): { mutants: number; caught: number; missed: string[] } {
  const out = { mutants: 0, caught: 0, missed: [] as string[] };
  const read = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path)) : undefined);
  for (const script of run.result.scripts.filter((s) => s.status === 'built')) {
    const parts = contractFor(run.config, script.path);
    const composed = composeScript(createSourceFile(script.path, readFileSync(join(root, script.path))), read, parts.prelude);
    const text = composed.file.text;
    const parse = parseLua(text, checkShebang(composed.file).end);
    if (!parse.ok) continue;
    const ast = parse.parsed.ast;
    const scopes = resolveScopes(ast);
    const calls = resolveCalls(analyzeValues(ast, scopes, { fractionalArg: () => false }).redisCalls);
    const liveness = findLiveness(ast, scopes);
    const targets = new Map<string, [number, number]>();
    for (const call of calls) {
      if (liveness.dead(call.fact.node)) continue;
      for (const command of call.commands ?? []) {
        for (const arg of command.keys) {
          for (const v of arg.values) if (v.kind === 'key' && v.at.type === 'IndexExpression') targets.set(rangeOf(v.at).join(':'), rangeOf(v.at));
        }
      }
    }
    const { prelude: _prelude, ...rest } = parts;
    for (const [start, end] of targets.values()) {
      const mutant = `${text.slice(0, start)}'mutant:key'${text.slice(end)}`;
      const found = compile(mutant, { path: script.path, contract: rest }).diagnostics.some((d) => d.code === 'RL101' && d.message.includes('"mutant:key"'));
      out.mutants++;
      if (found) out.caught++;
      else out.missed.push(`${script.path} @${start}: ${text.slice(start, end)}`);
    }
  }
  return out;
}

function byRule(list: readonly Diagnostic[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of list) m.set(`${d.code} ${d.severity}`, (m.get(`${d.code} ${d.severity}`) ?? 0) + 1);
  return m;
}

interface Precision {
  errors: number;
  real: number;
  /** Errors labelled false, by the label's reason. */
  falseBy: Map<string, number>;
  unlabelled: string[];
}

const newPrecision = (): Precision => ({ errors: 0, real: 0, falseBy: new Map(), unlabelled: [] });

function judge(into: Precision, p: Package, run: Run): void {
  for (const d of run.result.diagnostics.filter((x) => x.severity === 'error')) {
    into.errors++;
    const label = labelOf(p.name, d);
    if (!label) into.unlabelled.push(`${p.name} ${d.file}:${d.line}: ${d.code} ${d.message}`);
    else if (label.real) into.real++;
    else into.falseBy.set(`${p.name} ${label.code}: ${label.why}`, (into.falseBy.get(`${p.name} ${label.code}: ${label.why}`) ?? 0) + 1);
  }
}

function printPrecision(title: string, x: Precision): void {
  const falseCount = [...x.falseBy.values()].reduce((a, b) => a + b, 0);
  const pct = x.errors ? ((100 * x.real) / x.errors).toFixed(1) : '100.0';
  console.log(`Precision ${title}: ${x.real} of ${x.errors} errors are labelled real problems (${falseCount} labelled false, ${x.unlabelled.length} not labelled): ${pct}%`);
  for (const [why, n] of x.falseBy) console.log(`  false: ${n} x ${why}`);
  for (const u of x.unlabelled.slice(0, 40)) console.log(`  not labelled: ${u}`);
}

async function main(): Promise<void> {
  console.log('redis-luagen real-world benchmark: npm packages that ship Redis Lua, pinned\n');
  const rows: string[] = [];
  const totals = { asIs: new Map<string, number>(), adopted: new Map<string, number>() };
  const precision = { asIs: newPrecision(), adopted: newPrecision() };
  const recallTotal = { mutants: 0, caught: 0, missed: [] as string[] };
  const time = { ours: 0, luacheck: 0, lines: 0 };
  for (const p of CORPUS) {
    const root = fetchPackage(p);
    const asIs = await check(root, p, false);
    const adopted = await check(root, p, true);
    for (const [run, total] of [[asIs, totals.asIs], [adopted, totals.adopted]] as const) {
      for (const [k, n] of byRule(run.result.diagnostics)) total.set(k, (total.get(k) ?? 0) + n);
    }
    judge(precision.asIs, p, asIs);
    judge(precision.adopted, p, adopted);
    const r = recall(root, adopted);
    recallTotal.mutants += r.mutants;
    recallTotal.caught += r.caught;
    recallTotal.missed.push(...r.missed.map((m) => `${p.name} ${m}`));
    const t = timings(root, p, adopted);
    time.ours += t.ours;
    time.luacheck += t.luacheck ?? 0;
    time.lines += t.lines;
    rows.push(row(p, asIs, adopted, r, t));
  }
  console.log('| package | built as is | errors as is | built adopted | errors adopted | warnings adopted | recall (mutants caught) | check | luacheck |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  console.log('\nFindings per rule (as is -> adopted):');
  const keys = [...new Set([...totals.asIs.keys(), ...totals.adopted.keys()])].sort();
  for (const k of keys) console.log(`  ${k}: ${totals.asIs.get(k) ?? 0} -> ${totals.adopted.get(k) ?? 0}`);
  console.log('');
  printPrecision('as is', precision.asIs);
  printPrecision('adopted', precision.adopted);
  console.log(`Recall: ${recallTotal.caught} of ${recallTotal.mutants} mutated keys reported (${recallTotal.mutants ? ((100 * recallTotal.caught) / recallTotal.mutants).toFixed(2) : '100.00'}%)`);
  for (const m of recallTotal.missed.slice(0, 20)) console.log(`  missed: ${m}`);
  console.log(`Time: redis-luagen check ${Math.round(time.ours)} ms, luacheck ${Math.round(time.luacheck)} ms on ${time.lines} lines (${time.luacheck ? (time.ours / time.luacheck).toFixed(1) : 'n/a'}x)`);
}

function row(p: Package, asIs: Run, adopted: Run, r: { mutants: number; caught: number }, t: { ours: number; luacheck: number | undefined }): string {
  const count = (run: Run, sev: string) => run.result.diagnostics.filter((d) => d.severity === sev).length;
  const built = (run: Run) => `${run.result.scripts.filter((s) => s.status === 'built').length}/${run.result.scripts.length}`;
  const luacheck = t.luacheck === undefined ? 'n/a' : `${Math.round(t.luacheck)} ms`;
  return `| ${p.name}@${p.version} | ${built(asIs)} | ${count(asIs, 'error')} | ${built(adopted)} | ${count(adopted, 'error')} | ${count(adopted, 'warning')} | ${r.caught}/${r.mutants} | ${Math.round(t.ours)} ms | ${luacheck} |`;
}

await main();
