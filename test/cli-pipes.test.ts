// Output through a pipe arrives whole: every format, with a report far larger than a pipe's
// buffer (64 kB), read through `| cat` must equal the same report written to a file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin/redis-luagen.js');
const dir = mkdtempSync(join(tmpdir(), 'redis-luagen-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'scripts'));
writeFileSync(join(dir, 'redis-luagen.config.json'), JSON.stringify({ include: ['scripts/*.lua'], rootDir: 'scripts', outDir: 'gen' }));
// 2,000 unused locals: one finding each, a report of several hundred kB in every format.
writeFileSync(join(dir, 'scripts/many.lua'), `---@return integer\n${'do local unused = 1 end\n'.repeat(2000)}return 1\n`);

describe('output through a pipe', () => {
  it.each(['json', 'plain', 'github', 'sarif', 'pretty'])('--format %s arrives whole through | cat', (format) => {
    const run = (redirect: string) => {
      const out = join(dir, `${format}-${redirect === '>' ? 'file' : 'pipe'}.txt`);
      const cmd = `"${process.execPath}" "${BIN}" check --format ${format} ${redirect === '>' ? '>' : '| cat >'} "${out}"; true`;
      execFileSync('sh', ['-c', cmd], { cwd: dir, stdio: 'ignore' });
      return readFileSync(out, 'utf8');
    };
    const file = run('>');
    const piped = run('|');
    expect(file.length).toBeGreaterThan(100_000);
    expect(piped.length).toBe(file.length);
    expect(piped).toBe(file);
    if (format === 'json' || format === 'sarif') expect(() => JSON.parse(piped)).not.toThrow();
  }, 60_000);
});
