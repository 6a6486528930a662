// Every analysis rule, by name. Listed here (never discovered by scanning folders), and
// checked by a test: one file per rule, named after it, with docs and fixtures.

import type { AnalysisRuleName } from '../../diagnostics/codes.js';
import type { Rule } from '../rule.js';
import undeclaredKey from './undeclared-key.js';
import keysOutOfRange from './keys-out-of-range.js';
import dynamicCommand from './dynamic-command.js';
import unknownCommand from './unknown-command.js';
import commandNotAllowed from './command-not-allowed.js';
import writeInReadOnly from './write-in-read-only.js';
import couldBeReadOnly from './could-be-read-only.js';
import crossSlotCommand from './cross-slot-command.js';
import wrongArity from './wrong-arity.js';
import derivedKey from './derived-key.js';
import taggedDerivedKey from './tagged-derived-key.js';
import keyAsValue from './key-as-value.js';
import globalWrite from './global-write.js';
import undefinedGlobal from './undefined-global.js';
import unknownMember from './unknown-member.js';
import unsafeErrorValue from './unsafe-error-value.js';
import dynamicCode from './dynamic-code.js';
import floatReturn from './float-return.js';
import nilInArray from './nil-in-array.js';
import tableKeysDropped from './table-keys-dropped.js';
import returnMismatch from './return-mismatch.js';
import resp3Switch from './resp3-switch.js';
import unusedKey from './unused-key.js';
import unusedLocal from './unused-local.js';
import keylessScript from './keyless-script.js';

export const ANALYSIS_RULES = {
  'undeclared-key': undeclaredKey,
  'keys-out-of-range': keysOutOfRange,
  'dynamic-command': dynamicCommand,
  'unknown-command': unknownCommand,
  'command-not-allowed': commandNotAllowed,
  'write-in-read-only': writeInReadOnly,
  'could-be-read-only': couldBeReadOnly,
  'cross-slot-command': crossSlotCommand,
  'wrong-arity': wrongArity,
  'derived-key': derivedKey,
  'tagged-derived-key': taggedDerivedKey,
  'keyless-script': keylessScript,
  'key-as-value': keyAsValue,
  'global-write': globalWrite,
  'undefined-global': undefinedGlobal,
  'unknown-member': unknownMember,
  'unsafe-error-value': unsafeErrorValue,
  'dynamic-code': dynamicCode,
  'float-return': floatReturn,
  'nil-in-array': nilInArray,
  'table-keys-dropped': tableKeysDropped,
  'return-mismatch': returnMismatch,
  'resp3-switch': resp3Switch,
  'unused-key': unusedKey,
  'unused-local': unusedLocal,
} as const satisfies Record<AnalysisRuleName, Rule<string>>;
