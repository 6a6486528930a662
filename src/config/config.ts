// Config: `redis-luagen.config.json` or the `redis-luagen` key of package.json, validated.
// In: parsed JSON. Out: a ResolvedConfig, or a ConfigError naming the file and the key.
// Paths in the config are relative to the folder that holds it.

import { isRuleName, RULES } from '../diagnostics/codes.js';
import { DEFAULT_TARGET, TARGETS, type Target } from '../analyze/data/index.js';
import { CLIENT_KINDS, type CallMode, type ClientKind } from '../codegen/names.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import type { SeverityOverrides } from '../analyze/suppressions.js';
import type { MinifyMode } from '../compile.js';
import picomatch from 'picomatch';
import { mergeParts, readContractEntry, type ContractParts } from '../annotations/config-contract.js';

/** An entry of "contracts": scripts by glob, and the parts of a contract they get. */
export interface ConfigContract {
  files: string[];
  parts: ContractParts;
}

export interface Config {
  /** Globs of .lua files, relative to the config folder. */
  include: string[];
  exclude: string[];
  /** Folder the output module paths are relative to (default: the config folder). */
  rootDir: string;
  /** Output folder for the wrappers, the index and the runtime helper. */
  outDir: string;
  minify: MinifyMode;
  rules: SeverityOverrides;
  /** Contracts (or parts of them) for scripts matched by glob; see annotations/config-contract.ts. */
  contracts: ConfigContract[];
  /** The server the scripts are checked for: its command table. */
  target: Target;
  /** How wrappers call the scripts: EVALSHA, or FCALL on a function library per script. */
  mode: CallMode;
  /** The Node client the wrappers take: ioredis or node-redis (the `redis` package). */
  client: ClientKind;
}

export const DEFAULT_CONFIG: Config = {
  include: ['**/*.lua'],
  exclude: [],
  rootDir: '.',
  outDir: 'generated',
  minify: 'full',
  rules: {},
  contracts: [],
  target: DEFAULT_TARGET,
  mode: 'eval',
  client: 'ioredis',
};

/** The contract parts the config gives a script (by its path relative to the config folder). */
export function contractFor(config: Config, path: string): ContractParts {
  return mergeParts(config.contracts.filter((c) => picomatch.isMatch(path, c.files, { dot: true })).map((c) => c.parts));
}

export const CONFIG_FILE = 'redis-luagen.config.json';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string | undefined,
    message: string,
  ) {
    super(`${file}${key ? `: "${key}"` : ''}: ${message}`);
    this.name = 'ConfigError';
  }
}

const KNOWN_KEYS = ['$schema', 'include', 'exclude', 'rootDir', 'outDir', 'minify', 'rules', 'contracts', 'target', 'mode', 'client'];
const SEVERITIES = ['error', 'warning', 'info', 'off'];

/** Why a value is not a target name, or undefined when it is one. */
export function targetProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && (TARGETS as readonly string[]).includes(value)) return undefined;
  return `must be one of ${TARGETS.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(value)}`;
}

function stringList(file: string, key: string, value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new ConfigError(file, key, 'must be a glob string or an array of non-empty glob strings');
  }
  return value as string[];
}

function folder(file: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(file, key, 'must be a non-empty folder path');
  return value;
}

/** Validates a parsed config object. `file` names it in errors. */
export function validateConfig(file: string, raw: unknown): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, undefined, 'the config must be a JSON object');
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.includes(key)) {
      throw new ConfigError(file, key, `unknown key (known keys: ${KNOWN_KEYS.filter((k) => k !== '$schema').join(', ')})`);
    }
  }
  const config: Config = { ...DEFAULT_CONFIG, rules: {}, contracts: [] };
  if (input.include !== undefined) config.include = stringList(file, 'include', input.include);
  if (input.exclude !== undefined) config.exclude = stringList(file, 'exclude', input.exclude);
  if (input.rootDir !== undefined) config.rootDir = folder(file, 'rootDir', input.rootDir);
  if (input.outDir !== undefined) config.outDir = folder(file, 'outDir', input.outDir);
  if (input.minify !== undefined) {
    if (input.minify !== 'none' && input.minify !== 'full') throw new ConfigError(file, 'minify', `must be 'none' or 'full', got ${JSON.stringify(input.minify)}`);
    config.minify = input.minify;
  }
  if (input.rules !== undefined) config.rules = severities(file, 'rules', input.rules);
  if (input.contracts !== undefined) config.contracts = contracts(file, input.contracts);
  if (input.target !== undefined) {
    const problem = targetProblem(input.target);
    if (problem) throw new ConfigError(file, 'target', problem);
    config.target = input.target as Target;
  }
  if (input.mode !== undefined) {
    if (input.mode !== 'eval' && input.mode !== 'functions') throw new ConfigError(file, 'mode', `must be 'eval' or 'functions', got ${JSON.stringify(input.mode)}`);
    config.mode = input.mode;
  }
  if (input.client !== undefined) {
    const problem = clientProblem(input.client);
    if (problem) throw new ConfigError(file, 'client', problem);
    config.client = input.client as ClientKind;
  }
  return config;
}

/** Why `value` is not a client kind, or undefined when it is one. */
export function clientProblem(value: unknown): string | undefined {
  return CLIENT_KINDS.includes(value as ClientKind) ? undefined : `must be ${CLIENT_KINDS.map((c) => `'${c}'`).join(' or ')}, got ${JSON.stringify(value)}`;
}

/** Rule name -> severity, each checked: a known rule, a known level, not an input rule. */
function severities(file: string, key: string, raw: unknown): SeverityOverrides {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, key, 'must be an object of rule name -> "error" | "warning" | "info" | "off"');
  }
  const out: SeverityOverrides = {};
  for (const [name, level] of Object.entries(raw as Record<string, unknown>)) {
    const at = `${key}.${name}`;
    if (!isRuleName(name)) throw new ConfigError(file, at, `unknown rule (rules: ${Object.keys(RULES).join(', ')})`);
    if (typeof level !== 'string' || !SEVERITIES.includes(level)) {
      throw new ConfigError(file, at, `must be one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}, got ${JSON.stringify(level)}`);
    }
    if (RULES[name].fixed) throw new ConfigError(file, at, `${RULES[name].code} ${name} is an input error and cannot be changed: Redis itself would refuse the script`);
    out[name] = level as Severity | 'off';
  }
  return out;
}

function contracts(file: string, raw: unknown): ConfigContract[] {
  if (!Array.isArray(raw)) throw new ConfigError(file, 'contracts', 'must be a list of { "files": glob, ...contract } entries');
  return raw.map((entry, i) => {
    let read: ConfigContract;
    try {
      read = readContractEntry(entry, `contracts[${i}]`);
    } catch (e) {
      const message = (e as Error).message;
      const colon = message.indexOf(': ');
      throw new ConfigError(file, message.slice(0, colon), message.slice(colon + 2));
    }
    const rules = (entry as { rules?: unknown }).rules;
    if (rules !== undefined) read.parts.rules = severities(file, `contracts[${i}].rules`, rules);
    return read;
  });
}

/** Parses config text; a JSON syntax error names the file, line and column. */
export function parseConfigText(file: string, text: string, packageKey?: string): Config | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      const column = Number(m[1]) - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${column}`;
    }
    throw new ConfigError(file, undefined, `invalid JSON${where}: ${message}`);
  }
  if (packageKey !== undefined) {
    const section = (raw as Record<string, unknown> | null)?.[packageKey];
    return section === undefined ? undefined : validateConfig(`${file} "${packageKey}"`, section);
  }
  return validateConfig(file, raw);
}
