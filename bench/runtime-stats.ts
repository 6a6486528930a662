// What the runtime benchmarks share: medians, pinning processes to cores, and the bytes a
// server received for one run of calls.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/** Puts a process on one core, when taskset exists and there are two cores or more. */
export function pin(pid: number, core: number): boolean {
  return availableParallelism() > 1 && spawnSync('taskset', ['-p', '-c', String(core), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Pins the server (given its INFO server text) to the last core and this process to the first; says what it did. */
export function pinBoth(serverInfo: string): string {
  const serverPid = Number(/process_id:(\d+)/.exec(serverInfo)?.[1]);
  const last = availableParallelism() - 1; // read before this process is pinned to one core
  return pin(serverPid, last) && pin(process.pid, 0) ? `server pinned to core ${last}, client to core 0` : 'not pinned (taskset or a second core missing)';
}

/** Bytes the server received while `run` ran, from INFO stats read by `info` (its own bytes taken out). */
export async function bytesOf(info: () => Promise<string>, run: () => Promise<unknown>): Promise<number> {
  const read = async () => Number(/total_net_input_bytes:(\d+)/.exec(await info())?.[1]);
  const before = await read();
  await run();
  const after = await read();
  const infoCost = (await read()) - after; // one INFO command's own bytes
  return after - before - infoCost;
}

export interface Sample {
  /** Client CPU µs per call. */
  cpu: number;
  /** Calls per second. */
  ops: number;
}

/**
 * Runs each way `rounds` times, interleaved (every round runs every way back to back, after a
 * warm-up), and returns one table row per way: `row` cells, median CPU and ops/s, and the
 * medians of the per-round ratio and difference against the first way (the raw one).
 */
export async function compareWays(
  names: readonly string[],
  measure: (way: number, calls: number) => Promise<Sample>,
  options: { rounds: number; calls: number; row: (name: string) => string; goal: (ratio: number, extra: number, name: string) => string },
): Promise<string[]> {
  const samples = names.map(() => ({ cpu: [] as number[], ops: [] as number[] }));
  for (let i = 0; i < names.length; i++) await measure(i, Math.min(options.calls, 2000)); // warm up
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const m = await measure(i, options.calls);
      samples[i]!.cpu.push(m.cpu);
      samples[i]!.ops.push(m.ops);
    }
  }
  const raw = samples[0]!;
  return names.map((name, i) => {
    const ratio = median(samples[i]!.ops.map((o, r) => o / raw.ops[r]!));
    const extra = median(samples[i]!.cpu.map((c, r) => c - raw.cpu[r]!));
    const cells = [median(samples[i]!.cpu).toFixed(2), String(Math.round(median(samples[i]!.ops))), `${ratio.toFixed(2)}x`, extra.toFixed(2), options.goal(ratio, extra, name)];
    return `| ${options.row(name)} | ${cells.join(' | ')} |`;
  });
}

/** The goal cell of the wrapper's row: ops/s at least `min` of raw, and at most 1 µs of extra CPU. */
export function wrapperGoal(min: number): (ratio: number, extra: number, name: string) => string {
  return (ratio, extra, name) => (name === 'wrapper' ? `ops >= ${min}x ${ratio >= min ? 'met' : 'MISSED'}; CPU <= +1 µs ${extra <= 1 ? 'met' : 'MISSED'}` : '');
}

/** For each mode, the rows of `compareWays`, printed; `goals` are the wrapper's ops/s goals per mode. */
export async function printModes<M extends string>(
  goals: Record<M, number>,
  label: string,
  names: readonly string[],
  measure: (way: number, mode: M, calls: number) => Promise<Sample>,
  runs: { rounds: number; calls: number },
): Promise<void> {
  for (const mode of Object.keys(goals) as M[]) {
    const rows = await compareWays(names, (i, calls) => measure(i, mode, calls), {
      ...runs,
      row: (name) => `${mode} | ${label} | ${name}`,
      goal: wrapperGoal(goals[mode]),
    });
    for (const row of rows) console.log(row);
  }
}
