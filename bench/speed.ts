// Speed at the size of a monorepo, against luacheck on the same files in the same run: a
// seeded synthetic project of realistic annotated scripts (bench/speed/project.ts), built
// cold, built again with nothing changed, checked, checked one file at a time, and edited
// under watch. Every figure is the median of --repeat runs (wall time; the machine is noisy,
// so compare ratios, not seconds, and only inside one run). Prints each ratio with its goal.
// Run: npm run bench:speed [-- --scripts 1000 --small 100 --repeat 5 --edits 15 --seed 1]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { numberOption } from './options.js';
import { writeProject, type Project } from '../test/support/synthetic-project.js';

const REPO = join(import.meta.dirname, '..', '..');
const BIN = join(REPO, 'bin/redis-luagen.js');
const USAGE = join(REPO, 'bench/speed/usage.mjs');
const SCRIPTS = numberOption('scripts', 1000);
const SMALL = numberOption('small', 100);
const REPEAT = numberOption('repeat', 5);
const EDITS = numberOption('edits', 15);
const SEED = numberOption('seed', 1);

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Timed {
  ms: number;
  /** Peak resident memory in MB (our process only; luacheck's is not measured). */
  rssMb?: number;
}

/** One run of a command in the project, output discarded; ours report their peak memory. */
function run(cwd: string, cmd: string, args: readonly string[]): Timed {
  const usageFile = join(cwd, '.usage.json');
  rmSync(usageFile, { force: true });
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, REDIS_LUAGEN_USAGE: usageFile } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status === 2 || r.signal) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  const rssMb = existsSync(usageFile) ? (JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number }).maxRSS / 1024 : undefined;
  return { ms, ...(rssMb !== undefined ? { rssMb } : {}) };
}

const ours = (p: Project, ...args: string[]) => run(p.root, process.execPath, ['--import', USAGE, BIN, ...args]);
const luacheck = (p: Project, ...files: string[]) => run(p.root, 'luacheck', ['-q', '--no-color', ...(files.length ? files : ['scripts', 'lua-lib'])]);

function repeat(times: number, before: () => void, measure: () => Timed): { ms: number; rssMb: number } {
  const runs: Timed[] = [];
  for (let i = 0; i < times; i++) {
    before();
    runs.push(measure());
  }
  return { ms: median(runs.map((r) => r.ms)), rssMb: Math.max(...runs.map((r) => r.rssMb ?? 0)) };
}

/** Milliseconds from saving a script to its new wrapper on disk, under a running watch. */
async function watchLatency(p: Project, edits: number): Promise<number[]> {
  const child = spawn(process.execPath, [BIN, 'watch'], { cwd: p.root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const builds = () => (stderr.match(/redis-luagen: \d+ scripts/g) ?? []).length;
  const until = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 120_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`watch: timed out waiting for ${what}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  await until(() => builds() >= 1, 'the first build');
  await new Promise((r) => setTimeout(r, 2000)); // nobody saves within two seconds of starting watch
  const out: number[] = [];
  for (let i = 0; i < edits; i++) {
    const script = p.scripts[(i * 97) % p.scripts.length] as string;
    const wrapper = join(p.root, 'src/generated', script.replace(/^scripts\//, '').replace(/\.lua$/, '.ts'));
    const before = readFileSync(wrapper, 'utf8');
    const source = readFileSync(join(p.root, script), 'utf8');
    const seen = builds();
    const t = process.hrtime.bigint();
    writeFileSync(join(p.root, script), source.replace(/^(---[^@\n].*)$/m, `$1 (edit ${i})`));
    await until(() => readFileSync(wrapper, 'utf8') !== before, `the wrapper of ${script}`);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
    await until(() => builds() > seen, 'the end of the build');
    await new Promise((r) => setTimeout(r, 150));
  }
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  return out;
}

interface Row {
  what: string;
  ours: number;
  anchor?: number;
  ratio: number;
  goal: number;
  unit: string;
}

function printRows(rows: readonly Row[]): void {
  console.log('\n| measure | redis-luagen | anchor | ratio | goal | met |');
  console.log('|---|---:|---:|---:|---:|:---:|');
  for (const r of rows) {
    const anchor = r.anchor === undefined ? '' : `${r.anchor.toFixed(0)} ms`;
    console.log(`| ${r.what} | ${r.ours.toFixed(0)} ${r.unit} | ${anchor} | ${r.ratio.toFixed(2)}x | ≤ ${r.goal}x | ${r.ratio <= r.goal ? 'yes' : 'NO'} |`);
  }
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'redis-luagen-speed-'));
  try {
    const big = writeProject(join(base, 'big'), SCRIPTS, SEED);
    const small = writeProject(join(base, 'small'), SMALL, SEED);
    console.log(`redis-luagen speed: ${SCRIPTS} scripts (${big.lines} lines) and ${SMALL} scripts (${small.lines} lines), seed ${SEED}, medians of ${REPEAT}, ${EDITS} watch edits`);
    const out = (p: Project) => () => rmSync(join(p.root, 'src/generated'), { recursive: true, force: true });
    const nothing = () => undefined;
    const one = big.scripts[0] as string;

    const lint = repeat(REPEAT, nothing, () => luacheck(big));
    const lintOne = repeat(REPEAT, nothing, () => luacheck(big, one));
    const cold = repeat(REPEAT, out(big), () => ours(big, 'build', '--quiet'));
    const coldSmall = repeat(REPEAT, out(small), () => ours(small, 'build', '--quiet'));
    ours(big, 'build', '--quiet');
    const again = repeat(REPEAT, nothing, () => ours(big, 'build', '--quiet'));
    const check = repeat(REPEAT, nothing, () => ours(big, 'check', '--quiet'));
    const checkOne = repeat(REPEAT, nothing, () => ours(big, 'check', '--quiet', one));
    const lintMode = repeat(REPEAT, nothing, () => ours(big, 'check', '--lint', '--quiet'));
    const edits = await watchLatency(big, EDITS);

    console.log(`\nluacheck: ${lint.ms.toFixed(0)} ms for ${SCRIPTS} scripts, ${lintOne.ms.toFixed(0)} ms for one`);
    console.log(`cold build: ${cold.ms.toFixed(0)} ms (${SCRIPTS}), ${coldSmall.ms.toFixed(0)} ms (${SMALL}); peak RSS ${cold.rssMb.toFixed(0)} MB`);
    console.log(`check --lint: ${lintMode.ms.toFixed(0)} ms (${(lintMode.ms / lint.ms).toFixed(2)}x luacheck; findings only, nothing generated or compared)`);
    console.log(`watch edit -> wrapper on disk: median ${median(edits).toFixed(0)} ms, max ${Math.max(...edits).toFixed(0)} ms over ${edits.length} edits`);
    printRows([
      { what: `cold build, ${SCRIPTS} scripts (anchor: luacheck, same files)`, ours: cold.ms, anchor: lint.ms, ratio: cold.ms / lint.ms, goal: 2, unit: 'ms' },
      { what: 'build, nothing changed', ours: again.ms, anchor: lint.ms, ratio: again.ms / lint.ms, goal: 0.5, unit: 'ms' },
      { what: 'check, outputs fresh', ours: check.ms, anchor: lint.ms, ratio: check.ms / lint.ms, goal: 1, unit: 'ms' },
      { what: 'check of one file (anchor: luacheck, that file)', ours: checkOne.ms, anchor: lintOne.ms, ratio: checkOne.ms / lintOne.ms, goal: 3, unit: 'ms' },
      { what: `watch, edit to wrapper on disk (÷ 100 ms)`, ours: median(edits), ratio: median(edits) / 100, goal: 1, unit: 'ms' },
      { what: `peak RSS of the cold build (÷ 512 MB)`, ours: cold.rssMb, ratio: cold.rssMb / 512, goal: 1, unit: 'MB' },
      { what: `growth: cold build of ${SCRIPTS} (anchor: ${SMALL}) scripts`, ours: cold.ms, anchor: coldSmall.ms, ratio: cold.ms / coldSmall.ms, goal: 11, unit: 'ms' },
    ]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
