// Composition: a script with its includes inlined, as BullMQ's loader does it. A line
//   --- @include "includes/removeJob"
// (two or three dashes, either quote) is replaced by the named file, resolved against the
// including file's folder with `.lua` added when the name has no extension (`~/` starts at
// the project root). Each file is inlined once per script, where it is first included; a
// file included twice by one file, a cycle, or a missing file is RL008. Preludes (from the
// config) are inlined after the script's leading comment block, before its first statement.
//
// In: the script's SourceFile and a reader for other project files. Out: the composed text,
// the segments that say which file and offset each part of it comes from, the files it
// depends on, and diagnostics. The identity when there is nothing to include.

import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import { encodingDiagnostic } from '../parse/encoding.js';
import { computeLineStarts, createSourceFile, lineAt, positionAt, type SourceFile } from '../source/source-file.js';

/** Reads a project file by its project-relative path; undefined when it does not exist. */
export type ReadSource = (path: string) => Uint8Array | string | undefined;

export interface Segment {
  /** Offsets in the composed text. */
  start: number;
  end: number;
  file: SourceFile;
  /** Offset in `file` of the segment's first character. */
  fileStart: number;
}

export interface ComposedScript {
  /** The composed text, under the script's own path. */
  file: SourceFile;
  segments: Segment[];
  /** Project-relative paths of the files inlined, in the order they were first included. */
  includes: string[];
  diagnostics: Diagnostic[];
}

const INCLUDE = /^-{2,3}[ \t]*@include[ \t]+(["'])(.+?)\1[; \t]*\r?$/;

/** The include lines of a text (for finding which files are libraries, not scripts). */
export function includeLines(text: string): Array<{ reference: string; start: number; end: number }> {
  const out: Array<{ reference: string; start: number; end: number }> = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const m = INCLUDE.exec(line);
    if (m) out.push({ reference: m[2] as string, start, end: start + line.length });
    start += line.length + 1;
  }
  return out;
}

/** The project-relative path an include names, or why it cannot name one. */
export function resolveInclude(from: string, reference: string): { path: string } | { problem: string } {
  if (/[*?[\]{}]/.test(reference)) return { problem: `"${reference}" is a pattern: list each file in its own @include` };
  const withExt = posix.extname(reference) ? reference : `${reference}.lua`;
  const joined = withExt.startsWith('~/') ? withExt.slice(2) : posix.join(posix.dirname(from), withExt);
  const path = posix.normalize(joined);
  if (path.startsWith('../') || posix.isAbsolute(path)) return { problem: `"${reference}" is outside the project` };
  return { path };
}

class Composer {
  text = '';
  readonly segments: Segment[] = [];
  readonly includes: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly emitted = new Set<string>();

  constructor(private readonly read: ReadSource) {}

  /** Appends `file.text[from, to)` as one segment. */
  private copy(file: SourceFile, from: number, to: number): void {
    if (to <= from) return;
    this.segments.push({ start: this.text.length, end: this.text.length + (to - from), file, fileStart: from });
    this.text += file.text.slice(from, to);
  }

  /** Appends `file` from offset `from`, inlining its includes; `stack` holds the files being inlined. */
  emit(file: SourceFile, from: number, to: number, stack: readonly string[]): void {
    let at = from;
    const seenHere = new Set<string>();
    for (const inc of includeLines(file.text)) {
      if (inc.start < from || inc.start >= to) continue;
      this.copy(file, at, inc.start);
      at = inc.end;
      const target = this.target(file, inc, seenHere, stack);
      if (target) this.inline(target, stack);
    }
    this.copy(file, at, to);
  }

  private target(file: SourceFile, inc: { reference: string; start: number; end: number }, seenHere: Set<string>, stack: readonly string[]): SourceFile | undefined {
    const report = (message: string, hint: string): undefined => {
      this.diagnostics.push(makeDiagnostic(file, { rule: 'bad-include', start: inc.start, end: inc.end, message, hint }));
      return undefined;
    };
    const resolved = resolveInclude(file.path, inc.reference);
    if ('problem' in resolved) return report(`cannot include ${resolved.problem}`, 'name one .lua file, relative to this file (or to the project root with ~/)');
    const { path } = resolved;
    if (seenHere.has(path)) return report(`"${inc.reference}" is included twice in this file`, 'keep one @include line per file');
    seenHere.add(path);
    if (stack.includes(path)) return report(`including "${inc.reference}" makes a cycle: ${[...stack, path].join(' -> ')}`, 'move the shared part to a file that includes neither');
    if (this.emitted.has(path)) return undefined; // inlined once per script, where first included
    const bytes = this.read(path);
    if (bytes === undefined) return report(`include not found: "${inc.reference}" (${path})`, 'check the path: it is relative to the including file, and .lua is added when it has no extension');
    const included = createSourceFile(path, bytes);
    const encoding = encodingDiagnostic(included);
    if (encoding) {
      this.diagnostics.push(encoding);
      return undefined;
    }
    this.emitted.add(path);
    this.includes.push(path);
    return included;
  }

  private inline(file: SourceFile, stack: readonly string[]): void {
    this.emit(file, 0, file.text.length, [...stack, file.path]);
    if (!this.text.endsWith('\n')) this.text += '\n';
  }

  /** Inlines preludes given by the config, as if the script included them. */
  prelude(main: SourceFile, paths: readonly string[], stack: readonly string[]): void {
    for (const path of paths) {
      if (this.emitted.has(path)) continue;
      const bytes = this.read(path);
      if (bytes === undefined) {
        this.diagnostics.push(makeDiagnostic(main, { rule: 'bad-include', start: 0, end: 0, message: `the prelude ${path} (from the config) does not exist`, hint: 'fix the path in the config: it is relative to the project root' }));
        continue;
      }
      this.emitted.add(path);
      this.includes.push(path);
      this.inline(createSourceFile(path, bytes), stack);
    }
  }
}

export function composeScript(main: SourceFile, read: ReadSource, preludes: readonly string[] = []): ComposedScript {
  if (preludes.length === 0 && includeLines(main.text).length === 0) {
    return { file: main, segments: [{ start: 0, end: main.text.length, file: main, fileStart: 0 }], includes: [], diagnostics: [] };
  }
  const c = new Composer(read);
  const header = headerEnd(main.text);
  c.emit(main, 0, header, [main.path]);
  c.prelude(main, preludes, [main.path]);
  c.emit(main, header, main.text.length, [main.path]);
  return { file: createSourceFile(main.path, c.text), segments: c.segments, includes: c.includes, diagnostics: c.diagnostics };
}

/**
 * Where the script's leading comment block ends: the start of the line of its first statement
 * (preludes go there, after the contract block and before any code).
 */
function headerEnd(text: string): number {
  let i = text.startsWith('#!') ? text.indexOf('\n') + 1 || text.length : 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (!text.startsWith('--', i)) break;
    const long = /^--\[(=*)\[/.exec(text.slice(i, i + 64));
    const close = long ? text.indexOf(`]${long[1]}]`, i) : text.indexOf('\n', i);
    i = close < 0 ? text.length : close + (long ? (long[1] as string).length + 2 : 1);
  }
  const lineStart = text.lastIndexOf('\n', i - 1) + 1;
  return /^\s*$/.test(text.slice(lineStart, i)) ? lineStart : i;
}

/** The segment holding a composed offset (the last one for the end of the text). */
export function segmentAt(composed: ComposedScript, offset: number): Segment {
  const { segments } = composed;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((segments[mid] as Segment).start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return segments[lo] as Segment;
}

/** For each line of the composed text: the file it comes from and the line there (1-based). */
export function lineOrigins(composed: ComposedScript): Array<{ file: string; line: number }> {
  const starts = computeLineStarts(composed.file.text);
  return starts.map((offset) => {
    const seg = segmentAt(composed, offset);
    const inFile = seg.fileStart + Math.min(offset - seg.start, seg.end - seg.start);
    return { file: seg.file.path, line: lineAt(seg.file.lineStarts, inFile) };
  });
}

/** True when nothing was inlined: composed offsets are the script's own. */
export const isTrivial = (composed: ComposedScript): boolean => composed.segments.length === 1 && composed.segments[0]?.file === composed.file;

/** A diagnostic found in the composed text, placed in the file and at the offsets it comes from. */
export function toOriginal(composed: ComposedScript, d: Diagnostic): Diagnostic {
  if (isTrivial(composed)) return d;
  const seg = segmentAt(composed, d.start);
  const start = seg.fileStart + (Math.min(d.start, seg.end) - seg.start);
  const end = seg.fileStart + (Math.max(Math.min(d.end, seg.end), d.start) - seg.start);
  const s = positionAt(seg.file, start);
  const e = positionAt(seg.file, end);
  return { ...d, file: seg.file.path, start, end, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}
