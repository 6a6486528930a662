// Redis 7 shebang validation, ported from Redis' evalExtractShebangFlags (eval.c) so that
// we accept and refuse exactly what the server does, with the server's own error text.
// In: the script text. Out: the shebang (if any), its flags, or the Redis error.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import type { SourceFile } from '../source/source-file.js';

export const SCRIPT_FLAGS = [
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
] as const;
export type ScriptFlag = (typeof SCRIPT_FLAGS)[number];

export interface Shebang {
  /** The line without its line break, byte for byte. */
  text: string;
  /** Offset just past the line (before the line break). */
  end: number;
  flags: ScriptFlag[];
}

export type ShebangResult =
  | { kind: 'none' }
  | { kind: 'ok'; shebang: Shebang }
  | { kind: 'error'; message: string; start: number; end: number };

export function readShebang(text: string): ShebangResult {
  if (!text.startsWith('#!')) return { kind: 'none' };
  const nl = text.indexOf('\n');
  if (nl < 0) return { kind: 'error', message: 'Invalid script shebang', start: 0, end: text.length };
  const line = text.slice(0, nl);
  const parts = splitArgs(line);
  const lineEnd = line.endsWith('\r') ? nl - 1 : nl;
  if (parts === null || parts.length === 0) {
    return { kind: 'error', message: 'Invalid engine in script shebang', start: 0, end: lineEnd };
  }
  const engine = parts[0] as string;
  if (engine !== '#!lua') {
    return {
      kind: 'error',
      message: `Unexpected engine in script shebang: ${engine}`,
      start: 0,
      end: Math.min(engine.length, lineEnd),
    };
  }
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    const at = Math.max(0, line.indexOf(part));
    if (!part.startsWith('flags=')) {
      return { kind: 'error', message: `Unknown lua shebang option: ${part}`, start: at, end: at + part.length };
    }
    const list = part.slice(6);
    if (list.length === 0) continue; // "flags=" means no flags
    for (const flag of list.split(',')) {
      if (!(SCRIPT_FLAGS as readonly string[]).includes(flag)) {
        return {
          kind: 'error',
          message: `Unexpected flag in script shebang: ${flag}`,
          start: at,
          end: at + part.length,
        };
      }
      flags.add(flag as ScriptFlag);
    }
  }
  return {
    kind: 'ok',
    shebang: { text: line.endsWith('\r') ? line.slice(0, -1) : line, end: lineEnd, flags: [...flags] },
  };
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * Redis' sdssplitargs: whitespace-separated tokens with "double" (C escapes, \xHH) and
 * 'single' quoting. Returns null on unbalanced quotes or a closing quote not followed by
 * a space, as Redis does.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line[i])) i++;
    if (i >= line.length) return out;
    let inq = false;
    let insq = false;
    let done = false;
    let cur = '';
    while (!done) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && line[i + 1] !== undefined) {
          i++;
          const e = line[i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (c === undefined || isSpace(c)) {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        cur += c;
      }
      if (i < line.length) i++;
    }
    out.push(cur);
  }
}

export interface CheckedShebang {
  /** The flags of a valid shebang; undefined without one (or with one Redis refuses). */
  flags: ScriptFlag[] | undefined;
  /** Offset just past the shebang line (0 without one): the Lua starts there. */
  end: number;
  /** RL003 when Redis would refuse the line. */
  diagnostic?: Diagnostic;
}

/** The shebang of a script, validated as Redis validates it. */
export function checkShebang(file: SourceFile): CheckedShebang {
  const sb = readShebang(file.text);
  if (sb.kind === 'none') return { flags: undefined, end: 0 };
  if (sb.kind === 'ok') return { flags: sb.shebang.flags, end: sb.shebang.end };
  const nl = file.text.indexOf('\n');
  return {
    flags: undefined,
    end: nl < 0 ? file.text.length : nl,
    diagnostic: makeDiagnostic(file, {
      rule: 'bad-shebang',
      start: sb.start,
      end: sb.end,
      message: `Redis refuses this shebang: ${sb.message}`,
      hint: 'write #!lua, optionally followed by one space and flags= with a comma list (no spaces) of no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys. Any shebang, even #!lua alone, puts the script in strict single-slot mode on Redis Cluster',
    }),
  };
}
