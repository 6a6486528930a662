// Applies severity overrides from the config and `-- redis-luagen-disable-next-line` /
// `-- redis-luagen-disable` comments to a script's diagnostics, in one pass after the rules.
// Input rules (RL001-RL005) keep their severity; trying to disable one is itself reported.

import { rangeOf, type Comment } from '../parse/parse-lua.js';
import type { SourceFile } from '../source/source-file.js';
import { positionAt } from '../source/source-file.js';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { isRuleName, RULES, type RuleName } from '../diagnostics/codes.js';
import { makeDiagnostic } from '../diagnostics/report.js';

export type SeverityOverrides = Partial<Record<RuleName, Severity | 'off'>>;

interface Directive {
  /** Line whose diagnostics are silenced, or 'file'. */
  scope: number | 'file';
  /** Rule names; empty means every rule that may be disabled. */
  rules: Set<string>;
}

const DIRECTIVE = /^--\s*redis-luagen-(disable-next-line|disable)(?=\s|$)(.*)$/s;

function readDirectives(file: SourceFile, comments: readonly Comment[], report: Diagnostic[]): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.raw);
    if (!m) continue;
    const [start] = rangeOf(c);
    const list = (m[2] as string).split(/\s--\s?/)[0] as string; // "-- reason" ends the list
    const rules = new Set<string>();
    for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const at = start + c.raw.indexOf(name);
      if (!isRuleName(name)) {
        report.push(
          makeDiagnostic(file, {
            rule: 'bad-annotation',
            start: at,
            end: at + name.length,
            message: `unknown rule '${name}' in a redis-luagen-${m[1]} comment`,
            hint: `use rule names such as ${Object.keys(RULES).slice(5, 8).join(', ')}; separate them with commas and put a reason after " -- "`,
          }),
        );
      } else if (RULES[name].fixed) {
        report.push(
          makeDiagnostic(file, {
            rule: 'bad-annotation',
            start: at,
            end: at + name.length,
            message: `${RULES[name].code} ${name} cannot be disabled: Redis itself would refuse the script`,
            hint: 'fix the input instead',
          }),
        );
      } else {
        rules.add(name);
      }
    }
    const line = positionAt(file, start).line;
    out.push({ scope: m[1] === 'disable' ? 'file' : line + 1, rules });
  }
  return out;
}

export function applySuppressions(
  file: SourceFile,
  comments: readonly Comment[],
  diagnostics: readonly Diagnostic[],
  overrides: SeverityOverrides,
): Diagnostic[] {
  const extra: Diagnostic[] = [];
  const directives = readDirectives(file, comments, extra);
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const info = isRuleName(d.rule) ? RULES[d.rule] : undefined;
    if (!info || info.fixed) {
      out.push(d);
      continue;
    }
    const silenced = directives.some(
      (x) => (x.scope === 'file' || x.scope === d.line) && (x.rules.size === 0 || x.rules.has(d.rule)),
    );
    if (silenced) continue;
    const level = overrides[d.rule as RuleName];
    if (level === 'off') continue;
    out.push(level ? { ...d, severity: level } : d);
  }
  return [...out, ...extra];
}
