// The strongest cheap oracle for the minifier: `luac5.1 -s` compiles source and output to
// stripped bytecode, which must be identical, since renaming locals and moving whitespace
// change no instruction. Stripped bytecode still records the source line where each function
// starts and ends; normalize() zeroes those two fields (and nothing else) before comparing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasLuac(): boolean {
  return spawnSync('luac5.1', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Stripped Lua 5.1 bytecode of a chunk (a leading shebang line is blanked, as Redis does), or the compile error. */
export function compileStripped(text: string): Buffer | string {
  const dir = mkdtempSync(join(tmpdir(), 'luac-'));
  try {
    const file = join(dir, 'x.lua');
    writeFileSync(file, text.startsWith('#!') ? text.replace(/^#![^\n]*/, '') : text);
    return execFileSync('luac5.1', ['-s', '-o', '-', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e).replace(/^luac5\.1: [^:]+:/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Zeroes linedefined/lastlinedefined in every function of a Lua 5.1 bytecode dump. */
export function normalize(code: Buffer): Buffer {
  const out = Buffer.from(code);
  const intSize = out[7] as number;
  const sizeT = out[8] as number;
  const little = out[6] === 1;
  const readInt = (at: number) => (intSize === 4 ? (little ? out.readInt32LE(at) : out.readInt32BE(at)) : Number(little ? out.readBigInt64LE(at) : out.readBigInt64BE(at)));
  const readSize = (at: number) => (sizeT === 8 ? Number(little ? out.readBigUInt64LE(at) : out.readBigUInt64BE(at)) : little ? out.readUInt32LE(at) : out.readUInt32BE(at));
  const numberSize = out[10] as number;
  let p = 12;
  const string = () => {
    const n = readSize(p);
    p += sizeT + n;
  };
  const fn = (): void => {
    string(); // source
    out.fill(0, p, p + 2 * intSize); // linedefined, lastlinedefined
    p += 2 * intSize + 4; // + nups, numparams, is_vararg, maxstacksize
    const code = readInt(p);
    p += intSize + code * (out[9] as number);
    const constants = readInt(p);
    p += intSize;
    for (let i = 0; i < constants; i++) {
      const type = out[p++];
      if (type === 1) p += 1;
      else if (type === 3) p += numberSize;
      else if (type === 4) string();
    }
    const protos = readInt(p);
    p += intSize;
    for (let i = 0; i < protos; i++) fn();
    const lines = readInt(p);
    p += intSize + lines * intSize;
    const locals = readInt(p);
    p += intSize;
    for (let i = 0; i < locals; i++) {
      string();
      p += 2 * intSize;
    }
    const upvalues = readInt(p);
    p += intSize;
    for (let i = 0; i < upvalues; i++) string();
  };
  fn();
  return out;
}

/** Same instructions, constants and structure (the oracle's verdict). */
export function sameBytecode(a: string, b: string): boolean | string {
  const x = compileStripped(a);
  const y = compileStripped(b);
  if (typeof x === 'string' || typeof y === 'string') return `compile: ${typeof x === 'string' ? x : 'ok'} / ${typeof y === 'string' ? y : 'ok'}`;
  return normalize(x).equals(normalize(y));
}
