// Size of the minified output against luamin, over every fixture and the generated corpus,
// in one run. luamin's output goes through the same equivalence check as ours (luac5.1 -s
// bytecode of source and output must match; a luamin output that does not compile counts
// as a failure too), and its failures are counted.
// Run: npm run bench:minify
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parseLua } from '../src/parse/parse-lua.js';
import { readShebang } from '../src/parse/shebang.js';
import { minifyLua } from '../src/minify/minify-lua.js';
import { generateProgram } from '../test/support/lua-gen.js';
import { sameBytecode } from '../test/support/luac.js';

const require = createRequire(import.meta.url);
const luamin = require('luamin') as { minify(source: string): string };
const ROOT = join(import.meta.dirname, '..', '..');

function luaFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? luaFiles(`${folder}/${e.name}`) : e.name.endsWith('.lua') ? [`${folder}/${e.name}`] : [],
  );
}

interface Totals {
  programs: number;
  source: number;
  ours: number;
  luamin: number;
  oursFailed: number;
  luaminFailed: number;
  luaminThrew: number;
}

function measure(name: string, texts: string[]): Totals {
  const t: Totals = { programs: 0, source: 0, ours: 0, luamin: 0, oursFailed: 0, luaminFailed: 0, luaminThrew: 0 };
  for (const text of texts) {
    const sb = readShebang(text);
    if (sb.kind === 'error') continue;
    const end = sb.kind === 'ok' ? sb.shebang.end : 0;
    const parsed = parseLua(text, end);
    if (!parsed.ok) continue;
    // luamin knows no shebang: both are measured on the body (ours keeps the shebang line).
    const body = end ? text.slice(text.indexOf('\n') + 1) : text;
    const bodyParsed = parseLua(body, 0);
    if (!bodyParsed.ok) continue;
    const ours = minifyLua(body, bodyParsed.parsed, 0).text;
    let theirs: string | undefined;
    try {
      theirs = luamin.minify(body);
    } catch {
      t.luaminThrew++;
    }
    t.programs++;
    t.source += Buffer.byteLength(body);
    t.ours += Buffer.byteLength(ours);
    if (sameBytecode(body, ours) !== true) t.oursFailed++;
    if (theirs === undefined) {
      t.luamin += Buffer.byteLength(body);
    } else {
      t.luamin += Buffer.byteLength(theirs);
      if (sameBytecode(body, theirs) !== true) t.luaminFailed++;
    }
  }
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
  console.log(
    `${name.padEnd(18)} ${String(t.programs).padStart(5)} programs  source ${String(t.source).padStart(8)} B  ours ${String(t.ours).padStart(8)} B (${pct(t.ours, t.source)})  luamin ${String(t.luamin).padStart(8)} B (${pct(t.luamin, t.source)})  ours/luamin ${(t.ours / t.luamin).toFixed(3)}  equivalence failures: ours ${t.oursFailed}, luamin ${t.luaminFailed} (+${t.luaminThrew} threw)`,
  );
  return t;
}

const fixtures = [...luaFiles('fixtures'), ...luaFiles('generated-example/scripts')].map((f) => readFileSync(join(ROOT, f), 'utf8'));
const corpus = Array.from({ length: 300 }, (_, i) => generateProgram(i + 1));
console.log('minified size, bytes (newlines count as one byte, like spaces)');
const a = measure('fixtures', fixtures);
const b = measure('generated corpus', corpus);
const all = { ours: a.ours + b.ours, luamin: a.luamin + b.luamin, source: a.source + b.source };
console.log(`${'total'.padEnd(18)} source ${all.source} B  ours ${all.ours} B  luamin ${all.luamin} B  ours/luamin ${(all.ours / all.luamin).toFixed(3)}`);
