// The catalogue of diagnostic codes. Codes and rule names are public interface: a code
// never changes meaning once shipped. Input rules (RL001-RL005, RL008-RL011) cannot be disabled.

import type { Severity } from './diagnostic.js';

export interface RuleInfo {
  code: string;
  rule: string;
  defaultSeverity: Severity;
  /** Input errors cannot be turned off or down by config or comments. */
  fixed: boolean;
  summary: string;
}

export const RULES = {
  'syntax-error': {
    code: 'RL001',
    rule: 'syntax-error',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'not valid Lua 5.1',
  },
  'bad-annotation': {
    code: 'RL002',
    rule: 'bad-annotation',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'malformed contract',
  },
  'bad-shebang': {
    code: 'RL003',
    rule: 'bad-shebang',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'shebang Redis would refuse',
  },
  'name-collision': {
    code: 'RL004',
    rule: 'name-collision',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'two scripts, one wrapper name',
  },
  'bad-encoding': {
    code: 'RL005',
    rule: 'bad-encoding',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'UTF-8 BOM (a Redis compile error) or invalid UTF-8',
  },
  'missing-contract': {
    code: 'RL006',
    rule: 'missing-contract',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'no ---@key/---@arg contract: keys and args were inferred',
  },
  'unused-suppression': {
    code: 'RL007',
    rule: 'unused-suppression',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a redis-luagen-disable comment that silences nothing',
  },
  'bad-include': {
    code: 'RL008',
    rule: 'bad-include',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'an @include that cannot be inlined: a missing file, a cycle, a file included twice',
  },
  'bad-path': {
    code: 'RL009',
    rule: 'bad-path',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'a script whose path cannot give a wrapper inside the output folder, or that cannot be read',
  },
  'stale-output': {
    code: 'RL011',
    rule: 'stale-output',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'a generated file on disk is missing, stale or extra: the last build is out of date (check only)',
  },
  'checker-limit': {
    code: 'RL010',
    rule: 'checker-limit',
    defaultSeverity: 'error',
    fixed: true,
    summary: 'a script nested deeper than the checker follows (a chain of about 1,000 operators, fields or calls)',
  },
  'undeclared-key': {
    code: 'RL101',
    rule: 'undeclared-key',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a key argument that does not come from KEYS',
  },
  'keys-out-of-range': {
    code: 'RL102',
    rule: 'keys-out-of-range',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'KEYS[n] / ARGV[n] beyond the contract',
  },
  'dynamic-command': {
    code: 'RL103',
    rule: 'dynamic-command',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'command name not known at build time',
  },
  'unknown-command': {
    code: 'RL104',
    rule: 'unknown-command',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'command not in the command table',
  },
  'command-not-allowed': {
    code: 'RL105',
    rule: 'command-not-allowed',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a command Redis refuses in scripts',
  },
  'write-in-read-only': {
    code: 'RL106',
    rule: 'write-in-read-only',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a write command reachable in a no-writes script',
  },
  'could-be-read-only': {
    code: 'RL107',
    rule: 'could-be-read-only',
    defaultSeverity: 'info',
    fixed: false,
    summary: 'no write command is reachable but the script is not no-writes',
  },
  'cross-slot-command': {
    code: 'RL108',
    rule: 'cross-slot-command',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a command that reaches keys it does not name (SORT BY/GET)',
  },
  'wrong-arity': {
    code: 'RL109',
    rule: 'wrong-arity',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'an argument count the command refuses',
  },
  'derived-key': {
    code: 'RL110',
    rule: 'derived-key',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a key built from a declared key',
  },
  'key-as-value': {
    code: 'RL111',
    rule: 'key-as-value',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a KEYS value passed where the command expects a field or value',
  },
  'tagged-derived-key': {
    code: 'RL112',
    rule: 'tagged-derived-key',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a key built from a {tagged} key or prefix: right slot, but not safe while the slot migrates',
  },
  'keyless-script': {
    code: 'RL113',
    rule: 'keyless-script',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a script with no key, which ElastiCache Serverless refuses',
  },
  'global-write': {
    code: 'RL201',
    rule: 'global-write',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'assigning a global',
  },
  'undefined-global': {
    code: 'RL202',
    rule: 'undefined-global',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'reading a global the Redis sandbox does not have',
  },
  'unknown-member': {
    code: 'RL203',
    rule: 'unknown-member',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'an unknown member of a Redis library table',
  },
  'unsafe-error-value': {
    code: 'RL204',
    rule: 'unsafe-error-value',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'error(x) with a value that crashes Redis 7.0',
  },
  'dynamic-code': {
    code: 'RL205',
    rule: 'dynamic-code',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'loadstring / load',
  },
  'float-return': {
    code: 'RL301',
    rule: 'float-return',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a non-integer number returned',
  },
  'nil-in-array': {
    code: 'RL302',
    rule: 'nil-in-array',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a returned array that may hold nil',
  },
  'table-keys-dropped': {
    code: 'RL303',
    rule: 'table-keys-dropped',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a returned table with string keys',
  },
  'return-mismatch': {
    code: 'RL304',
    rule: 'return-mismatch',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'a return value that cannot be the @return type',
  },
  'resp3-switch': {
    code: 'RL305',
    rule: 'resp3-switch',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'redis.setresp(3) changes how replies convert',
  },
  'unused-key': {
    code: 'RL401',
    rule: 'unused-key',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a declared key or arg never read',
  },
  'unused-local': {
    code: 'RL402',
    rule: 'unused-local',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a local never read',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleName = keyof typeof RULES;

export function isRuleName(name: string): name is RuleName {
  return Object.prototype.hasOwnProperty.call(RULES, name);
}

/** Rules implemented by a module under analyze/rules (all but the input rules and RL006). */
export type AnalysisRuleName = Exclude<
  RuleName,
  'syntax-error' | 'bad-annotation' | 'bad-shebang' | 'name-collision' | 'bad-encoding' | 'bad-include' | 'bad-path' | 'checker-limit' | 'stale-output' | 'missing-contract' | 'unused-suppression'
>;

export function ruleByCode(code: string): RuleInfo | undefined {
  return Object.values(RULES).find((r) => r.code === code);
}
