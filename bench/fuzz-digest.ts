// What a fuzz input compiles to, in short: a digest of its findings (code, place, message),
// to compare a warm process with a cold one.
import { createHash } from 'node:crypto';
import { compile } from '../src/compile.js';

export function digest(text: string): string {
  const r = compile(text, { path: 'x.lua' });
  return createHash('sha1').update(JSON.stringify(r.diagnostics.map((d) => [d.code, d.line, d.column, d.message]))).digest('hex').slice(0, 12);
}
