// What a target changes in a script's findings, beyond its command table: Dragonfly reads no
// `#!lua` line (its flags come from a first line `--!df flags=...`), and refuses keys a script
// was not given unless that line has allow-undeclared-keys, so a key built from a {tagged}
// key (RL112, a warning elsewhere) is an error there. The config's own severities still win
// (Dragonfly's server option default_lua_flags can allow undeclared keys for every script).

import type { SourceFile } from '../source/source-file.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import { dragonflyFlags } from '../parse/dragonfly-flags.js';
import type { SeverityOverrides } from './suppressions.js';
import type { Target } from './data/index.js';

export function targetFindings(target: Target | undefined, file: SourceFile, shebangEnd: number): { diagnostics: Diagnostic[]; rules: SeverityOverrides } {
  if (target !== 'dragonfly') return { diagnostics: [], rules: {} };
  const diagnostics = file.text.startsWith('#!')
    ? [
        makeDiagnostic(file, {
          rule: 'bad-shebang',
          start: 0,
          end: shebangEnd,
          message: 'Dragonfly does not read a #! line: it takes script flags only from a first line --!df flags=...',
          hint: 'replace the line with --!df flags=... (for example --!df flags=allow-undeclared-keys), or remove it',
        }),
      ]
    : [];
  const allowed = dragonflyFlags(file.text)?.includes('allow-undeclared-keys') ?? false;
  return { diagnostics, rules: allowed ? {} : { 'tagged-derived-key': 'error' } };
}
