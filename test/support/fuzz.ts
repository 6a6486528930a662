// The compiler's fuzzer: seeded inputs (mutated scripts of the repo's fixtures, generated
// programs, byte-level damage) and the properties every input must keep:
// - compile() returns (no exception) and every finding names the file, a line and a column;
// - its verdict is Lua's: luac 5.1 refuses exactly the inputs we report as syntax errors
//   (inputs we refuse for Redis-only reasons, a bad shebang or invalid UTF-8, are not compared);
// - the minified text compiles to the same bytecode as the source (luac5.1 -s).
// Used by the seeded slice in the unit run (test/fuzz.test.ts) and by `npm run fuzz`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/compile.js';
import { generateProgram, rng } from './lua-gen.js';
import { compileStripped, sameBytecode } from './luac.js';

export interface FuzzInput {
  /** How the input was made, enough to make it again. */
  origin: string;
  text: string;
}

export interface FuzzFinding {
  kind: 'crash' | 'verdict' | 'minify' | 'finding';
  origin: string;
  detail: string;
  text: string;
}

/** The .lua files under the given folders of the repository. */
export function corpus(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) visit(join(dir, e.name));
      else if (e.name.endsWith('.lua')) files.push(join(dir, e.name));
    }
  };
  for (const f of folders) visit(join(root, f));
  return files.sort().map((f) => readFileSync(f, 'utf8'));
}

const TOKEN = /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|"(?:\\[\s\S]|[^"\\\n])*"|'(?:\\[\s\S]|[^'\\\n])*'|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\.\.|\.\.|==|~=|<=|>=|\S/g;
const INSERTS = [',', '(', ')', '{', '}', '[', ']', 'end', 'do', 'then', 'local', '=', '..', '...', ';', 'function', 'return', 'break', 'nil', ':', '.', 'x', '1', "'s'", 'if', 'else', 'elseif', 'until', 'repeat', 'while', 'for', 'in', 'not', '-', '#', '%', '^', '==', '<', '0x', '1e', '0or', 'KEYS[1]', 'ARGV[1]', "redis.call('GET', KEYS[1])", 'goto', '//', '&', '\u00a0', '\u200b', '日本', '\u0000', '\r', '\n', '--[[', ']]', '"', "'", '#!lua', '---@key k', '---@return integer', '/*'];

/** The n-th input of a seeded stream over `sources`. */
export function fuzzInput(sources: readonly string[], seed: number, n: number): FuzzInput {
  const r = rng(seed * 1_000_003 + n);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const kind = r();
  if (kind < 0.1) return { origin: `generated ${seed}/${n}`, text: generateProgram(seed * 100_000 + n) };
  const base = kind < 0.2 ? generateProgram(seed * 100_000 + n) : pick(sources);
  let text = base;
  const edits = 1 + Math.floor(r() * 3);
  for (let i = 0; i < edits; i++) text = mutate(text, r, pick);
  return { origin: `mutated ${seed}/${n}`, text };
}

function mutate(text: string, r: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const tokens = [...text.matchAll(TOKEN)];
  if (!tokens.length) return text + pick(INSERTS);
  const t = pick(tokens);
  const at = t.index ?? 0;
  const op = r();
  if (op < 0.3) return text.slice(0, at) + text.slice(at + t[0].length); // delete a token
  if (op < 0.6) return `${text.slice(0, at)}${pick(INSERTS)} ${text.slice(at)}`; // insert one
  if (op < 0.8) return `${text.slice(0, at)}${pick(tokens)[0]} ${text.slice(at)}`; // copy one elsewhere
  if (op < 0.9) return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + text.slice(at); // any character
  const span = text.slice(at, at + Math.floor(r() * 200)); // repeat a span (nesting, long lists)
  return text.slice(0, at) + span.repeat(2 + Math.floor(r() * 4)) + text.slice(at);
}

/** Redis-only refusals, where Lua's own verdict is not the reference. */
const REDIS_ONLY = new Set(['RL003', 'RL005']);

export function checkInput(input: FuzzInput, options: { luac: boolean }): FuzzFinding[] {
  const findings: FuzzFinding[] = [];
  const found = (kind: FuzzFinding['kind'], detail: string) => findings.push({ kind, origin: input.origin, detail, text: input.text });
  let result: ReturnType<typeof compile>;
  try {
    result = compile(input.text, { path: 'x.lua' });
  } catch (e) {
    found('crash', String((e as Error).stack ?? e).slice(0, 400));
    return findings;
  }
  for (const d of result.diagnostics) {
    if (d.file !== 'x.lua' || !(d.line >= 1) || !(d.column >= 1) || !d.message) found('finding', `${d.code} at ${d.file}:${d.line}:${d.column} "${d.message}"`);
  }
  if (!options.luac) return findings;
  const codes = new Set(result.diagnostics.map((d) => d.code));
  if ([...codes].some((c) => REDIS_ONLY.has(c))) return findings;
  const lua = compileStripped(input.text);
  // luac reads a file and skips a first line that starts with '#'; Redis loads a buffer, where
  // only a '#!' shebang is read (and blanked), so any other '#' there is a syntax error.
  const hashLine = input.text.startsWith('#') && !input.text.startsWith('#!');
  const luaRefuses = typeof lua === 'string' || hashLine;
  const weRefuse = codes.has('RL001');
  if (luaRefuses !== weRefuse) {
    const ours = result.diagnostics.find((d) => d.code === 'RL001');
    found('verdict', luaRefuses ? `luac refuses (${typeof lua === 'string' ? lua.trim() : 'a first line starting with #'}), we accept` : `luac accepts, we refuse: ${ours?.line}: ${ours?.message}`);
  } else if (!luaRefuses && result.minified !== undefined) {
    const same = sameBytecode(input.text, result.minified);
    if (same !== true) found('minify', `minified text is not the same program: ${same === false ? 'bytecode differs' : same}`);
  }
  return findings;
}
