// Verdicts on the values a key argument may hold (SPEC 2.1): declared (KEYS[i]) is safe; a
// name derived from a `{tagged}` key or prefix arg lands in the right slot but Redis does not
// see it (tagged-derived, RL112); derived from an untagged key it may be in another slot
// (RL110); anything else, a name built from an untagged ARGV included, is undeclared (RL101).

import type { ScriptContract } from '../annotations/contract.js';
import type { Value } from './values/index.js';
import type { ArgRef, ResolvedCall, ResolvedCommand } from './command-calls.js';

export type KeyVerdict = 'safe' | 'tagged-derived' | 'assumed' | 'derived' | 'undeclared' | 'ignore';

/**
 * `assumeTagged`: the config declares that every name this script uses as a key carries the
 * hash tag of its keys (a project's convention the tool cannot check): such names are
 * 'assumed', except literals without a hash tag, which provably cannot carry one.
 */
export function keyVerdict(v: Value, contract: ScriptContract, assumeTagged = false): KeyVerdict {
  const verdict = baseVerdict(v, contract);
  if (verdict !== 'undeclared' || !assumeTagged) return verdict;
  return v.kind === 'literal' && !hasHashTag(v.text) ? 'undeclared' : v.kind === 'number' ? 'undeclared' : 'assumed';
}

function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  return open >= 0 && key.indexOf('}', open + 1) > open + 1;
}

function baseVerdict(v: Value, contract: ScriptContract): KeyVerdict {
  switch (v.kind) {
    case 'key':
      return 'safe';
    case 'derived':
      if (v.base === 'key') return isTagged(contract, v.index) ? 'tagged-derived' : 'derived';
      return isTaggedArg(contract, v.index) ? 'tagged-derived' : 'undeclared';
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

/** Whether ARGV[index] is declared a {tagged} prefix (for an unknown index: every arg is). */
export function isTaggedArg(contract: ScriptContract, index: number | 'any'): boolean {
  const args = contract.args;
  if (args.length === 0) return false;
  if (index === 'any') return args.every((a) => a.tagged);
  const spec = args[index - 1] ?? (args[args.length - 1]?.variadic ? args[args.length - 1] : undefined);
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
