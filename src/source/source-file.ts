// SourceFile: the exact bytes of one `.lua` file and the decoded text the phases work on.
// In: a path and bytes. Out: text plus offset <-> position mapping.
// Guarantees: this is the only place that decides units. Offsets are UTF-16 indices into
// `text` (what luaparse reports); lines are 1-based; columns are 1-based UTF-16 code units,
// which is what editors, GitHub annotations and SARIF (utf16CodeUnits) expect.

export interface Position {
  line: number;
  column: number;
}

export interface SourceFile {
  /** Path as the user sees it (relative to the working directory or project root). */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** UTF-8 decoding of `bytes` (invalid sequences become U+FFFD; RL005 reports them). */
  readonly text: string;
  /** Offset of the first character of each line (index 0 = line 1). */
  readonly lineStarts: readonly number[];
}

export function createSourceFile(path: string, bytes: Uint8Array | string): SourceFile {
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(raw);
  return { path, bytes: raw, text, lineStarts: computeLineStarts(text) };
}

/** Offsets where lines start, counting line breaks as Lua does. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Lua counts "\n", "\r", "\r\n" and "\n\r" as one line break each; so do we.
    if (c === 10 || c === 13) {
      const next = text.charCodeAt(i + 1);
      if ((next === 10 || next === 13) && next !== c) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The 1-based line holding `offset`, given the line starts of its text. */
export function lineAt(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function positionAt(file: SourceFile, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  const line = lineAt(file.lineStarts, clamped);
  return { line, column: clamped - (file.lineStarts[line - 1] as number) + 1 };
}

export function offsetAt(file: SourceFile, line: number, column: number): number {
  const start = file.lineStarts[Math.max(0, Math.min(line - 1, file.lineStarts.length - 1))] ?? 0;
  return Math.min(start + column - 1, file.text.length);
}

/** The text of line `line` (1-based) without its line break. */
export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1];
  if (start === undefined) return '';
  const end = file.lineStarts[line] ?? file.text.length;
  return file.text.slice(start, end).replace(/[\r\n]+$/, '');
}
