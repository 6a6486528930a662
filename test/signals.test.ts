// Ctrl-C and SIGTERM stop build, check and watch within a second, leaving no temp file.
// The real bin runs in a child process on a project big enough to be busy when the signal
// comes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin/redis-luagen.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redis-luagen-signals-'));
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ include: ['scripts/**/*.lua'], rootDir: 'scripts', outDir: 'gen' }));
  const body = Array.from({ length: 400 }, (_, i) => `local v${i} = redis.call('INCRBY', KEYS[1], ${i})`).join('\n');
  for (let i = 0; i < 150; i++) writeFileSync(join(dir, 'scripts', `s${i}.lua`), `---@key k\n---@return integer\n${body}\nreturn v399\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temps = (d: string): string[] =>
  readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.tmp'))
    .map((e) => e.name);

/** Starts the bin, waits for `ready` in its stderr (or a fixed delay), sends `signal`; resolves with exit code and ms to exit. */
function interrupt(args: string[], signal: NodeJS.Signals, ready: RegExp | number): Promise<{ code: number | null; ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sentAt = 0;
    const send = () => {
      if (sentAt) return;
      sentAt = performance.now();
      child.kill(signal);
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (ready instanceof RegExp && ready.test(stderr)) send();
    });
    if (typeof ready === 'number') setTimeout(send, ready);
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve({ code: code ?? (sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : null), ms: sentAt ? performance.now() - sentAt : -1, stderr }));
  });
}

describe('interrupting', () => {
  it.each([['build', 'SIGINT', 130], ['build', 'SIGTERM', 143], ['check', 'SIGINT', 130]] as const)('%s stops on %s within a second while compiling', async (command, signal, code) => {
    const r = await interrupt([command], signal, 700);
    expect(r.ms, r.stderr).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(1000);
    expect(r.code).toBe(code);
    expect(temps(dir)).toEqual([]);
  });

  it('watch stopped while the compiler is still loading ends cleanly (exit 0)', async () => {
    const r = await interrupt(['watch'], 'SIGINT', 150);
    expect(r.ms).toBeLessThan(1000);
    expect(r.code).toBe(0);
    expect(temps(dir)).toEqual([]);
  });

  it.each([['SIGINT'], ['SIGTERM']] as const)('watch stops on %s within a second, even during a build', async (signal) => {
    const r = await interrupt(['watch'], signal, 700);
    expect(r.ms, r.stderr).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(1000);
    expect(r.code).toBe(0);
    expect(temps(dir)).toEqual([]);
  });
});
