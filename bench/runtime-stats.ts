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
