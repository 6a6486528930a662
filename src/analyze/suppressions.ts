// Applies severity overrides from the config and disable comments to a script's diagnostics,
// in one pass after the rules:
//   -- redis-luagen-disable-next-line unused-local, RL401 -- reason
//   local x = 1 -- redis-luagen-disable-line unused-local -- reason
//   -- redis-luagen-disable RL402 -- reason            (the whole file)
// Rules are named by name or code. A comment must name its rules (a bare disable would hide
// every finding, the next real one included) and is reported when it silences nothing
// (RL007, like ESLint's --report-unused-disable-directives). Input rules (RL001-RL005) keep
// their severity; trying to disable one is itself reported.

import { rangeOf, type Comment } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import { positionAt } from '../source/source-file.js';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { isRuleName, ruleByCode, RULES, type RuleName } from '../diagnostics/codes.js';
import { makeDiagnostic } from '../diagnostics/report.js';

export type SeverityOverrides = Partial<Record<RuleName, Severity | 'off'>>;

interface Entry {
  rule: RuleName;
  start: number;
  end: number;
  used: boolean;
}

interface Directive {
  /** Line whose diagnostics are silenced, or 'file'. */
  scope: number | 'file';
  /** The file the comment is in (an included file's disable comments apply to that file). */
  file: string;
  entries: Entry[];
}

const DIRECTIVE = /^--\s*redis-luagen-(disable-next-line|disable-line|disable)(?=\s|$)(.*)$/s;

function badComment(file: SourceFile, start: number, end: number, message: string, hint: string): Diagnostic {
  return makeDiagnostic(file, { rule: 'bad-annotation', start, end, message, hint });
}

/** The rule an entry of a disable comment names (by name or code), or a diagnostic saying why not. */
function ruleOf(file: SourceFile, word: string, at: number, kind: string): RuleName | Diagnostic {
  const rule = isRuleName(word) ? word : (ruleByCode(word)?.rule as RuleName | undefined);
  if (!rule) {
    return badComment(file, at, at + word.length, `unknown rule '${word}' in a redis-luagen-${kind} comment`, 'name rules by name or code (unused-local or RL402); separate them with commas and put a reason after " -- "');
  }
  if (RULES[rule].fixed) {
    return badComment(file, at, at + word.length, `${RULES[rule].code} ${rule} cannot be disabled: Redis itself would refuse the script`, 'fix the input instead');
  }
  return rule;
}

function readDirectives(file: SourceFile, comments: readonly Comment[], report: Diagnostic[], fileOf: (offset: number) => string): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.raw);
    if (!m) continue;
    const kind = m[1] as string;
    const [start] = rangeOf(c);
    const list = (m[2] as string).split(/\s--\s?/)[0] as string; // "-- reason" ends the list
    const entries: Entry[] = [];
    let from = c.raw.indexOf(m[2] as string);
    for (const word of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const at = start + c.raw.indexOf(word, from);
      from = at - start + word.length;
      const rule = ruleOf(file, word, at, kind);
      if (typeof rule === 'string') entries.push({ rule, start: at, end: at + word.length, used: false });
      else report.push(rule);
    }
    if (!list.trim()) {
      report.push(badComment(file, start, rangeOf(c)[1], `redis-luagen-${kind} names no rule`, `name the rules it disables, and why: -- redis-luagen-${kind} unused-local -- reason`));
    }
    const line = positionAt(file, start).line;
    out.push({ scope: kind === 'disable' ? 'file' : kind === 'disable-line' ? line : line + 1, file: fileOf(start), entries });
  }
  return out;
}

/**
 * `fileOf` tells which file an offset of a composed script comes from: a file-wide comment
 * silences its own file only, and a comment in an included file is not reported unused (the
 * finding it is for may be in a helper this script does not call).
 */
export function applySuppressions(
  file: SourceFile,
  comments: readonly Comment[],
  diagnostics: readonly Diagnostic[],
  overrides: SeverityOverrides,
  fileOf: (offset: number) => string = () => file.path,
): Diagnostic[] {
  const extra: Diagnostic[] = [];
  const directives = readDirectives(file, comments, extra, fileOf);
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const info = isRuleName(d.rule) ? RULES[d.rule] : undefined;
    if (!info || info.fixed) {
      out.push(d);
      continue;
    }
    let silenced = false;
    for (const x of directives) {
      if (x.scope === 'file' ? x.file !== fileOf(d.start) : x.scope !== d.line) continue;
      for (const entry of x.entries) {
        if (entry.rule !== d.rule) continue;
        entry.used = true;
        silenced = true;
      }
    }
    if (!silenced) out.push(...withSeverity(d, overrides));
  }
  for (const x of directives) {
    if (x.file !== file.path) continue;
    for (const entry of x.entries.filter((e) => !e.used)) {
      const unused = makeDiagnostic(file, {
        rule: 'unused-suppression',
        start: entry.start,
        end: entry.end,
        message: `'${entry.rule}' is disabled here, but ${x.scope === 'file' ? 'the file has' : 'the line has'} no ${RULES[entry.rule].code} finding`,
        hint: 'remove it from the comment (the finding it was for is gone)',
      });
      out.push(...withSeverity(unused, overrides));
    }
  }
  return [...out, ...extra];
}

function withSeverity(d: Diagnostic, overrides: SeverityOverrides): Diagnostic[] {
  const level = overrides[d.rule as RuleName];
  if (level === 'off') return [];
  return [level ? { ...d, severity: level } : d];
}
