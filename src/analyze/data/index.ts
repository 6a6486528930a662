// The Redis environment as data, generated from a real server by scripts/gen-redis-data.mjs.
// A new Redis version is a data diff, not a code diff.

import commandsJson from './redis-commands.json' with { type: 'json' };
import sandboxJson from './redis-sandbox.json' with { type: 'json' };

export interface KeySpec {
  flags: string[];
  beginSearch: { type: 'index'; spec: { index: number } } | { type: 'keyword'; spec: { keyword: string; startfrom: number } } | { type: 'unknown'; spec: Record<string, never> };
  findKeys:
    | { type: 'range'; spec: { lastkey: number; keystep: number; limit: number } }
    | { type: 'keynum'; spec: { keynumidx: number; firstkey: number; keystep: number } }
    | { type: 'unknown'; spec: Record<string, never> };
}

export interface CommandInfo {
  name: string;
  arity: number;
  flags: string[];
  first: number;
  last: number;
  step: number;
  keySpecs: KeySpec[];
  /** Subcommand names (for `object`: encoding, freq...); each has its own `parent|sub` entry. */
  subcommands?: string[];
  /** Refused inside a `#!lua flags=no-writes` script (write commands, PUBLISH, PFCOUNT...). */
  refusedInReadOnly: boolean;
}

export const COMMANDS: { redisVersion: string; commands: Record<string, CommandInfo> } = commandsJson as never;

export const SANDBOX: {
  redisVersion: string;
  /** Names in _G with their Lua types. */
  globals: Record<string, string>;
  /** Members of each library table with their Lua types. */
  libraries: Record<string, Record<string, string>>;
} = sandboxJson as never;

export function commandInfo(name: string): CommandInfo | undefined {
  const lower = name.toLowerCase();
  return Object.prototype.hasOwnProperty.call(COMMANDS.commands, lower) ? COMMANDS.commands[lower] : undefined;
}

/** True when Redis refuses the command in a no-writes script. */
export function isWrite(info: CommandInfo): boolean {
  return info.refusedInReadOnly || info.flags.includes('write');
}
