// Verdicts on the values a key argument may hold (SPEC 2.1): declared (KEYS[i]) is safe;
// derived (KEYS[i] .. suffix) is safe only when KEYS[i] is `{tagged}`; anything else is not.

import type { ScriptContract } from '../annotations/contract.js';
import type { Value } from './values.js';
import type { ArgRef, ResolvedCall, ResolvedCommand } from './command-calls.js';

export type KeyVerdict = 'safe' | 'derived' | 'undeclared' | 'ignore';

export function keyVerdict(v: Value, contract: ScriptContract): KeyVerdict {
  switch (v.kind) {
    case 'key':
      return 'safe';
    case 'derived':
      return isTagged(contract, v.index) ? 'safe' : 'derived';
    case 'literal':
    case 'number':
    case 'argv':
    case 'reply':
    case 'string':
    case 'unknown':
      return 'undeclared';
    default:
      // nil, booleans, tables, functions: Redis refuses them as arguments at run time.
      return 'ignore';
  }
}

/** Whether KEYS[index] is declared {tagged} (for an unknown index: every key is). */
export function isTagged(contract: ScriptContract, index: number | 'any'): boolean {
  const keys = contract.keys;
  if (keys.length === 0) return false;
  if (index === 'any') return keys.every((k) => k.tagged);
  const spec = keys[index - 1] ?? (keys[keys.length - 1]?.variadic ? keys[keys.length - 1] : undefined);
  return spec?.tagged ?? false;
}

/** Calls f once per key argument node of every resolved command (a node shared by several
 * possible commands is visited once, with the first). */
export function forEachKeyArg(calls: readonly ResolvedCall[], f: (arg: ArgRef & { node: NonNullable<ArgRef['node']> }, command: ResolvedCommand) => boolean): void {
  const done = new Set<unknown>();
  for (const call of calls) {
    for (const command of call.commands ?? []) {
      for (const arg of command.keys) {
        if (!arg.node || done.has(arg.node)) continue;
        if (f(arg as ArgRef & { node: NonNullable<ArgRef['node']> }, command)) done.add(arg.node);
      }
    }
  }
}
