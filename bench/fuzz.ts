// `npm run fuzz`: the compiler's long fuzz run. Inputs come from a seeded stream
// (test/support/fuzz.ts: mutated fixtures, generated programs, byte damage); workers
// (fuzz-worker.ts) check them in fresh processes with a memory cap, and this parent watches:
// an input without an answer in 20 s is a hang, a worker that dies is a crash, and every
// 1,000th input is compiled again in a cold process, whose findings must equal the warm ones.
// Prints counts, the slowest inputs and every finding; exits 1 when there is one.
//   npm run fuzz -- [count=100000] [seed=1] [workers=2]
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { availableParallelism } from 'node:os';

const [count = 100_000, seed = 1, workers = Math.min(2, availableParallelism())] = process.argv.slice(2).map(Number);
const WORKER = join(import.meta.dirname, 'fuzz-worker.js');
const HANG_MS = 20_000;

interface Problem {
  kind: string;
  n: number;
  detail: string;
}

const problems: Problem[] = [];
const times: Array<[number, number]> = [];
let coldChecks = 0;

function coldDigest(n: number): string {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, 'fuzz-cold.js'), String(seed), String(n)], { encoding: 'utf8', timeout: 60_000 });
  return r.stdout.trim();
}

/** Checks inputs [from, to) in worker processes started one after another past each hang or crash. */
async function runRange(from: number, to: number): Promise<void> {
  let next = from;
  while (next < to) {
    next = await runWorker(next, to);
  }
}

function runWorker(from: number, to: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=1024', WORKER, String(seed), String(from), String(to)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let next = from;
    let stderr = '';
    let timer = setTimeout(hang, HANG_MS);
    function hang() {
      problems.push({ kind: 'hang', n: next, detail: `no answer in ${HANG_MS} ms` });
      child.kill('SIGKILL');
    }
    child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      clearTimeout(timer);
      timer = setTimeout(hang, HANG_MS);
      const [n, ms, findings, digest] = splitLine(line);
      times.push([n, ms]);
      for (const f of JSON.parse(findings) as Array<{ kind: string; detail: string }>) problems.push({ kind: f.kind, n, detail: f.detail });
      if (digest !== '-') {
        coldChecks++;
        const cold = coldDigest(n);
        if (cold !== digest) problems.push({ kind: 'cold-warm', n, detail: `warm ${digest}, cold ${cold}` });
      }
      next = n + 1;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (next < to && !problems.some((p) => p.n === next && p.kind === 'hang')) problems.push({ kind: 'crash', n: next, detail: `worker ended (${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      resolve(next < to ? next + 1 : to);
    });
  });
}

function splitLine(line: string): [number, number, string, string] {
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  const last = line.lastIndexOf(' ');
  return [Number(line.slice(0, first)), Number(line.slice(first + 1, second)), line.slice(second + 1, last), line.slice(last + 1)];
}

const started = Date.now();
const per = Math.ceil(count / workers);
await Promise.all(Array.from({ length: workers }, (_, w) => runRange(w * per, Math.min(count, (w + 1) * per))));
const sorted = times.map(([, ms]) => ms).sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
console.log(`redis-luagen fuzz: ${times.length} of ${count} inputs answered (seed ${seed}, ${workers} workers) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`time per input (compile + luac checks): median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
console.log(`slowest: ${[...times].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, ms]) => `#${n} ${ms.toFixed(0)} ms`).join(', ')}`);
console.log(`cold/warm comparisons: ${coldChecks}`);
const byKind = new Map<string, number>();
for (const p of problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
console.log(`findings: ${problems.length}${problems.length ? ` (${[...byKind].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
for (const p of problems.slice(0, 50)) console.log(`  ${p.kind} #${p.n}: ${p.detail}`);
process.exit(problems.length ? 1 : 0);
