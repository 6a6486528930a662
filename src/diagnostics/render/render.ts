// Renderers: pure functions from diagnostics to text (SPEC section 5 formats).

import { RULES } from '../codes.js';
import type { Diagnostic } from '../diagnostic.js';

export type Format = 'pretty' | 'plain' | 'json' | 'github' | 'sarif';
export const FORMATS: readonly Format[] = ['pretty', 'plain', 'json', 'github', 'sarif'];

export interface RenderOptions {
  /** Source text by file, for code frames (pretty). */
  sources?: ReadonlyMap<string, string>;
  color?: boolean;
  toolVersion?: string;
  /** A rule's documentation (SARIF fullDescription and help), by code. */
  ruleHelp?: (code: string) => { text: string; markdown: string };
}

/** A path as one line of text: control characters (a line break in a file name) escaped. */
const shown = (path: string): string => path.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));

/** `file:line:column: severity code rule message`, one per line. */
export function renderPlain(list: readonly Diagnostic[]): string {
  return list.map((d) => `${shown(d.file)}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.rule} ${d.message}\n`).join('');
}

export function renderJson(list: readonly Diagnostic[]): string {
  const rows = list.map((d) => ({
    code: d.code,
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    hint: d.hint,
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands (::error file=...::message). */
export function renderGithub(list: readonly Diagnostic[]): string {
  return list
    .map((d) => {
      const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeProperty(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `endLine=${d.endLine}`,
        `endColumn=${d.endColumn}`,
        `title=${escapeProperty(`${d.code} ${d.rule}`)}`,
      ].join(',');
      return `::${command} ${props}::${escapeData(`${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`)}\n`;
    })
    .join('');
}

/** SARIF 2.1.0, one run, rules from the catalogue. */
export function renderSarif(list: readonly Diagnostic[], options: RenderOptions = {}): string {
  const rules = Object.values(RULES).map((r) => {
    const help = options.ruleHelp?.(r.code);
    return {
      id: r.code,
      name: r.rule,
      shortDescription: { text: r.summary },
      ...(help ? { fullDescription: { text: help.text }, help: { text: help.text, markdown: help.markdown } } : {}),
      defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
    };
  });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'redis-luagen', version: options.toolVersion ?? '0.0.0', informationUri: 'https://www.npmjs.com/package/redis-luagen', rules } },
        columnKind: 'utf16CodeUnits',
        results: list.map((d) => ({
          ruleId: d.code,
          ruleIndex: index.get(d.code as (typeof rules)[number]["id"]),
          level: sarifLevel(d.severity),
          message: { text: `${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/') },
                region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function sarifLevel(s: Diagnostic['severity']): 'error' | 'warning' | 'note' {
  return s === 'info' ? 'note' : s;
}

/** Human output with a code frame; colour only when asked (a TTY without NO_COLOR). */
export function renderPretty(list: readonly Diagnostic[], options: RenderOptions = {}): string {
  const paint = (code: string, s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const d of list) {
    const sev = d.severity === 'error' ? paint('1;31', 'error') : d.severity === 'warning' ? paint('1;33', 'warning') : paint('1;36', 'info');
    out.push(`${sev} ${paint('1', `${d.code} ${d.rule}`)}: ${d.message}`);
    out.push(`  ${paint('34', '-->')} ${shown(d.file)}:${d.line}:${d.column}`);
    const text = options.sources?.get(d.file);
    if (text !== undefined) {
      const lines = text.split(/\r\n|\r|\n/);
      const src = lines[d.line - 1];
      if (src !== undefined) {
        const num = String(d.line);
        const pad = ' '.repeat(num.length);
        const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, src.length - d.column + 1);
        out.push(`  ${pad} ${paint('34', '|')}`);
        out.push(`  ${num} ${paint('34', '|')} ${src.replace(/\t/g, ' ')}`);
        out.push(`  ${pad} ${paint('34', '|')} ${' '.repeat(d.column - 1)}${paint(d.severity === 'error' ? '31' : '33', '^'.repeat(width))}`);
      }
    }
    if (d.hint) out.push(`  ${paint('36', '= hint:')} ${d.hint}`);
    out.push('');
  }
  return out.join('\n') + (out.length ? '' : '');
}

export function render(format: Format, list: readonly Diagnostic[], options: RenderOptions = {}): string {
  switch (format) {
    case 'plain':
      return renderPlain(list);
    case 'json':
      return renderJson(list);
    case 'github':
      return renderGithub(list);
    case 'sarif':
      return renderSarif(list, options);
    case 'pretty':
      return renderPretty(list, options);
  }
}
