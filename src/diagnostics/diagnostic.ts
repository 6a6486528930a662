// Diagnostic: one finding, as data. Found once, rendered last (see render/).
// Positions are 1-based and point at what the user wrote; offsets index SourceFile.text.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  hint: string;
  /** Offsets into the decoded source text (start inclusive, end exclusive). */
  start: number;
  end: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: file, line, column, code. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export interface DiagnosticCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countDiagnostics(list: readonly Diagnostic[]): DiagnosticCounts {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of list) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}
