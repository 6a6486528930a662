// Renders docs/rules.md from the rule catalogue and the rule modules' docs, so the page
// cannot drift from the code (a test compares it byte for byte).

import { RULES, ruleByCode, type RuleInfo } from '../diagnostics/codes.js';
import { ANALYSIS_RULES } from './rules/index.js';
import type { Rule } from './rule.js';

const INPUT_EXAMPLES: Record<string, { text: string; wrong: string; right: string }> = {
  'syntax-error': {
    text: 'Redis runs Lua 5.1. goto, integer division (//), bitwise operators, <const> and empty statements (;;) are syntax errors there; the message and line are the ones luac 5.1 (and so Redis) reports. So are the limits the Lua 5.1 compiler enforces, measured on Redis 7.0.15 at SCRIPT LOAD: more than 200 nested blocks and subexpressions ("chunk has too many syntax levels"), more than 200 locals active in one function (loop variables count), more than 60 upvalues in one function, and a statement that needs more than 249 stack slots ("function or expression too complex": a call or return with about 245 values).',
    wrong: 'return 7 // 2',
    right: 'return math.floor(7 / 2)',
  },
  'bad-annotation': {
    text: 'The contract block (---@key, ---@arg, ---@return, ---@name) is malformed: an unknown type or tag, a name used twice, a variadic that is not last. Also reported for unknown rule names in redis-luagen-disable comments.',
    wrong: '---@arg amount integr',
    right: '---@arg amount integer',
  },
  'bad-shebang': {
    text: 'Redis refuses the shebang line with the error quoted in the message. Any shebang, even #!lua alone, makes Redis Cluster enforce that all keys are in one slot.',
    wrong: '#!lua flags=no-writes, allow-oom',
    right: '#!lua flags=no-writes,allow-oom',
  },
  'name-collision': {
    text: 'Two scripts would produce one wrapper name (or one output file, or a name the index reserves).',
    wrong: 'a/get-user.lua and b/get_user.lua (both getUser)',
    right: 'add ---@name getUserById to one of them',
  },
  'bad-encoding': {
    text: 'A UTF-8 byte order mark is a compile error in Redis; bytes that are not UTF-8 cannot be mapped to positions.',
    wrong: '\\xEF\\xBB\\xBFreturn 1',
    right: 'return 1',
  },
  'bad-include': {
    text: 'A `--- @include "path"` line (BullMQ\'s form) or a prelude from the config cannot be inlined: the file does not exist (paths are relative to the including file, `.lua` is added when there is no extension, `~/` starts at the project root), it is included twice by one file, or it includes itself through others.',
    wrong: '--- @include "includes/mising"',
    right: '--- @include "includes/missing"',
  },
  'bad-path': {
    text: 'A script must be inside rootDir, so that its wrapper lands inside the output folder, and its path must be usable as a module path: no line breaks or other control characters, no `#`, `?`, `%` or `\\` (an import specifier would read them as a URL fragment, query or escape), valid UTF-8. A file that cannot be read is reported here too.',
    wrong: '"include": ["../shared/*.lua"] with "rootDir": "."',
    right: '"rootDir": ".." (a folder that holds every script)',
  },
  'stale-output': {
    text: '`check` compares every generated file with what `build` would write now. A wrapper that is missing or differs from it, or a generated file whose script is gone, means the committed output does not match the scripts: the application would send another script than the one reviewed. Reported on the script when there is one, else on the generated file, in every format, so CI annotations and code scanning show it.',
    wrong: 'an edit to scripts/limit.lua committed without running redis-luagen build',
    right: 'redis-luagen build, then commit the changed files in the output folder',
  },
  'checker-limit': {
    text: 'Lua itself refuses more than 200 nested levels (RL001 "chunk has too many syntax levels"), but it reads a chain such as `a + a + a ...`, `t.x.x.x ...` or `f()()()` without nesting, however long. The checker follows the syntax tree, where such a chain is as deep as it is long; past 1,000 levels it reports this instead of running out of stack. Redis may run the script; split the chain into steps.',
    wrong: 'return a + a + a + a + ... (1,200 terms)',
    right: 'local s = a + a + ... (100 terms)\ns = s + a + ... (100 terms)\n...\nreturn s',
  },
  'unused-suppression': {
    text: 'A redis-luagen-disable comment names a rule that reports nothing where the comment applies: the finding it was written for is gone, and the comment would silently hide the next one.',
    wrong: "---@key k\n---@return string?\n-- redis-luagen-disable-next-line unused-local -- old temp var\nreturn redis.call('GET', KEYS[1])",
    right: "---@key k\n---@return string?\nreturn redis.call('GET', KEYS[1])",
  },
  'missing-contract': {
    text: 'The script has no ---@key/---@arg/---@return lines: its keys and args are inferred from KEYS[n]/ARGV[n] (strings) and its reply is typed any. This is how an existing code base is adopted without editing every file.',
    wrong: "return redis.call('GET', KEYS[1])",
    right: "---@key user\n---@return string?\nreturn redis.call('GET', KEYS[1])",
  },
};

function block(code: string): string {
  return '```lua\n' + code + '\n```';
}

export function renderRulesDoc(): string {
  const out: string[] = [];
  out.push('# redis-luagen rules', '');
  out.push(
    'Every finding has a stable code and a rule name (both public interface), a default severity, a message and a hint. Input rules (RL001-RL005, RL008-RL011) cannot be disabled. The others can be set to `error`, `warning`, `info` or `off` in the config (`"rules": { "unused-local": "off" }`), per line (`-- redis-luagen-disable-next-line rule-a, RL402 -- reason` above the line, `-- redis-luagen-disable-line rule-a -- reason` at its end) or per file (`-- redis-luagen-disable rule-a -- reason`). A comment names its rules by name or code; a comment that names none is refused, and one that silences nothing is reported (RL007).',
    '',
  );
  out.push('This page is generated from the rule modules (`src/analyze/rules/`); a test keeps it in sync.', '');
  out.push('| code | rule | default | finds |', '| --- | --- | --- | --- |');
  for (const r of Object.values(RULES)) out.push(`| ${r.code} | [${r.rule}](#${r.code.toLowerCase()}-${r.rule}) | ${r.defaultSeverity} | ${r.summary} |`);
  out.push('');
  for (const r of Object.values(RULES)) out.push(`## ${r.code} ${r.rule}`, '', rulePage(r.code), '');
  return out.join('\n');
}

/** Why a rule exists and what it finds: its text, for SARIF's fullDescription. */
export function ruleText(code: string): string {
  return ruleDocs(code).text;
}

/** One rule's page without its title: severity, why, a wrong and a right example (Markdown). */
export function rulePage(code: string): string {
  const r = ruleByCode(code) as RuleInfo;
  const docs = ruleDocs(code);
  return [`Default severity: ${r.defaultSeverity}${r.fixed ? ' (cannot be disabled)' : ''}.`, '', docs.text, '', 'Wrong:', '', block(docs.wrong), '', 'Right:', '', block(docs.right)].join('\n');
}

function ruleDocs(code: string): { text: string; wrong: string; right: string } {
  const r = ruleByCode(code);
  if (!r) throw new Error(`unknown rule ${code}`);
  const rule = (ANALYSIS_RULES as Record<string, Rule<string>>)[r.rule];
  const docs = rule ? { text: rule.docs.rationale, wrong: rule.docs.wrong, right: rule.docs.right } : INPUT_EXAMPLES[r.rule];
  if (!docs) throw new Error(`no documentation for ${r.rule}`);
  return docs;
}
