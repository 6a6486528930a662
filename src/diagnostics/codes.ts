// The catalogue of diagnostic codes. Codes and rule names are public interface: a code
// never changes meaning once shipped. Input rules (RL001-RL005) cannot be disabled.

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
  'keys-out-of-range': {
    code: 'RL102',
    rule: 'keys-out-of-range',
    defaultSeverity: 'error',
    fixed: false,
    summary: 'KEYS[n] / ARGV[n] beyond the contract',
  },
  'unused-key': {
    code: 'RL401',
    rule: 'unused-key',
    defaultSeverity: 'warning',
    fixed: false,
    summary: 'a declared key or arg never read',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleName = keyof typeof RULES;

export function isRuleName(name: string): name is RuleName {
  return Object.prototype.hasOwnProperty.call(RULES, name);
}

export function ruleByCode(code: string): RuleInfo | undefined {
  return Object.values(RULES).find((r) => r.code === code);
}
