// Builds Diagnostics from a rule name and a source range, so positions are computed in one
// place (SourceFile) and every diagnostic carries the catalogue's code and severity.

import { positionAt, type SourceFile } from '../source/source-file.js';
import { RULES, type RuleName } from './codes.js';
import type { Diagnostic } from './diagnostic.js';

export interface ReportInput {
  rule: RuleName;
  start: number;
  end: number;
  message: string;
  hint: string;
}

export function makeDiagnostic(file: SourceFile, input: ReportInput): Diagnostic {
  const info = RULES[input.rule];
  const end = Math.max(input.end, input.start);
  const s = positionAt(file, input.start);
  const e = positionAt(file, end);
  return {
    code: info.code,
    rule: info.rule,
    severity: info.defaultSeverity,
    message: input.message,
    file: file.path,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    hint: input.hint,
    start: input.start,
    end,
  };
}
