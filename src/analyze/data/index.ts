// The Redis environment as data, generated from a real server by scripts/gen-redis-data.mjs.
// A new Redis version is a data diff, not a code diff.

import commandsJson from './redis-commands.json' with { type: 'json' };
import sandboxJson from './redis-sandbox.json' with { type: 'json' };
import targetsJson from './redis-targets.json' with { type: 'json' };

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

/** The servers a script can be checked for; each has its own command table. */
export const TARGETS = ['redis@7.0', 'redis@7.2', 'redis@7.4', 'redis@8', 'valkey@7.2', 'valkey@8', 'valkey@9', 'dragonfly', 'elasticache-serverless'] as const;
export type Target = (typeof TARGETS)[number];
export const DEFAULT_TARGET: Target = 'redis@7.0';

export interface CommandTable {
  target: Target;
  /** "Redis 7.0.15", "Valkey 8.0.1": how messages name the server (the release its table comes from). */
  label: string;
  commands: Readonly<Record<string, CommandInfo>>;
  /** Globals this server's sandbox adds as aliases of others (Valkey: `server` is `redis`). */
  aliases: Readonly<Record<string, string>>;
}

interface TargetDiff {
  label: string;
  release: string;
  added: Record<string, CommandInfo & { since: string }>;
  removed: string[];
}

/** What each target adds to (or lacks from) the table read from Redis 7.0.15: scripts/gen-target-tables.mjs. */
const TARGET_DIFFS = (targetsJson as unknown as { targets: Record<string, TargetDiff> }).targets;

/**
 * Servers without a published command table here: checked with Redis 7.0.15's, plus their own
 * rules (Dragonfly: declared keys only; ElastiCache Serverless: no keyless script).
 */
const ON_REDIS_7_0: Partial<Record<Target, string>> = {
  dragonfly: 'Dragonfly (with the Redis 7.0.15 command table)',
  'elasticache-serverless': 'ElastiCache Serverless (with the Redis 7.0.15 command table)',
};

const tables = new Map<Target, CommandTable>();

export function commandTable(target: Target = DEFAULT_TARGET): CommandTable {
  let table = tables.get(target);
  if (table) return table;
  const diff = TARGET_DIFFS[target];
  if (!diff) {
    table = { target, label: ON_REDIS_7_0[target] ?? `Redis ${COMMANDS.redisVersion}`, commands: COMMANDS.commands, aliases: {} };
  } else {
    const commands: Record<string, CommandInfo> = { ...COMMANDS.commands, ...diff.added };
    for (const name of diff.removed) delete commands[name];
    // A new subcommand (CLIENT SETINFO) extends its parent's list.
    for (const name of Object.keys(diff.added).filter((n) => n.includes('|'))) {
      const [parent, sub] = name.split('|') as [string, string];
      const info = commands[parent];
      if (info && !(info.subcommands ?? []).includes(sub)) commands[parent] = { ...info, subcommands: [...(info.subcommands ?? []), sub].sort() };
    }
    table = { target, label: diff.label, commands, aliases: target.startsWith('valkey@') ? { server: 'redis' } : {} };
  }
  tables.set(target, table);
  return table;
}

export function lookupCommand(table: CommandTable, name: string): CommandInfo | undefined {
  const lower = name.toLowerCase();
  return Object.prototype.hasOwnProperty.call(table.commands, lower) ? table.commands[lower] : undefined;
}

export function commandInfo(name: string): CommandInfo | undefined {
  return lookupCommand(commandTable(), name);
}

/** The targets whose table has a command the given table lacks, with the release it came in. */
export function targetsWith(name: string): Array<{ target: Target; label: string; since: string }> {
  const lower = name.toLowerCase();
  return TARGETS.flatMap((target) => {
    const added = TARGET_DIFFS[target]?.added[lower];
    return added ? [{ target, label: TARGET_DIFFS[target]?.label ?? target, since: added.since }] : [];
  });
}

/** True when Redis refuses the command in a no-writes script. */
export function isWrite(info: CommandInfo): boolean {
  return info.refusedInReadOnly || info.flags.includes('write');
}
