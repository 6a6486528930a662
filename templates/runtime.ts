// redis-luagen runtime: copied next to the generated wrappers, so generated code needs
// nothing at run time but ioredis. It validates and encodes arguments, computes hash slots
// on a Cluster, calls EVALSHA (EVALSHA_RO for no-writes scripts) and falls back to EVAL on
// NOSCRIPT, sends EVAL inside pipeline()/multi() (a script loaded before MULTI can be
// flushed before EXEC), decodes replies to the declared type and rethrows script errors
// with the .lua file and line.
import { Command } from 'ioredis';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';

export type Client = Redis | Cluster;

export type ArgKind =
  | { kind: 'string' }
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'buffer' }
  | { kind: 'json' }
  | { kind: 'literal'; values: readonly string[] };

export type ReturnKind =
  | { kind: 'integer' | 'string' | 'boolean' | 'status' | 'nil' | 'hash' | 'json' | 'any' }
  | { kind: 'optional'; of: ReturnKind }
  | { kind: 'array'; of: ReturnKind }
  | { kind: 'tuple'; items: readonly ReturnKind[] };

export interface KeyField {
  name: string;
  variadic?: boolean;
  tagged?: boolean;
}

export interface ArgField {
  name: string;
  type: ArgKind;
  variadic?: boolean;
}

export interface ScriptSpec {
  /** The wrapper name, used in every error message. */
  name: string;
  /** The .lua file, relative to the project root. */
  source: string;
  /** The exact text sent to Redis. */
  lua: string;
  /** Lowercase hex SHA-1 of `lua`. */
  sha: string;
  /** `#!lua flags=no-writes`: called with EVALSHA_RO / EVAL_RO, so it may run on replicas. */
  readOnly: boolean;
  keys: readonly KeyField[];
  args: readonly ArgField[];
  returns: ReturnKind;
  /** lineMap[n - 1] is the .lua line of line n of `lua`; absent when the text is the source as is. */
  lineMap?: readonly number[];
}

/** A Redis error raised while running a script, with the .lua file and line it came from. */
export class ScriptError extends Error {
  /** The wrapper name. */
  readonly script: string;
  /** The .lua file, relative to the project root. */
  readonly file: string;
  /** The .lua line Redis reported, when it reported one. */
  readonly line: number | undefined;
  /** The error code: the first word of the reply (ERR, WRONGTYPE, or the script's own). */
  readonly code: string;
  /** The original error as ioredis gave it. */
  readonly reply: Error;

  constructor(spec: ScriptSpec, reply: Error) {
    const parsed = parseScriptError(spec, reply.message);
    super(
      `${spec.name} (${spec.source}${parsed.line === undefined ? '' : `:${parsed.line}`}): ${parsed.message}`,
      { cause: reply },
    );
    this.name = 'ScriptError';
    this.script = spec.name;
    this.file = spec.source;
    this.line = parsed.line;
    this.code = parsed.code;
    this.reply = reply;
  }
}

/** Thrown before sending when the keys of one call live in different Redis Cluster hash slots. */
export class CrossSlotError extends Error {
  readonly script: string;
  readonly slots: Readonly<Record<string, number>>;

  constructor(spec: ScriptSpec, slots: Record<string, number>) {
    const list = Object.entries(slots)
      .map(([k, s]) => `${k} -> ${s}`)
      .join(', ');
    super(
      `${spec.name}: keys hash to different cluster slots (${list}); give them a common {hash tag} so they land in one slot`,
    );
    this.name = 'CrossSlotError';
    this.script = spec.name;
    this.slots = slots;
  }
}

const SCRIPT_ERROR = /^(\S+) ([\s\S]*?)(?: script: ([0-9a-f]{40}), on @user_script:(\d+)\.)?$/;

function mapLine(spec: ScriptSpec, line: number): number {
  return spec.lineMap ? (spec.lineMap[line - 1] ?? line) : line;
}

function parseScriptError(spec: ScriptSpec, text: string): { code: string; message: string; line: number | undefined } {
  const m = SCRIPT_ERROR.exec(text);
  if (!m) return { code: 'ERR', message: text, line: undefined };
  const code = m[1] as string;
  const suffixLine = m[4] === undefined ? undefined : mapLine(spec, Number(m[4]));
  let body = m[2] as string;
  // Lua's own position prefix: drop it when it repeats the suffix line, else rewrite it.
  body = body.replace(/^user_script:(\d+): /, (_all, n: string) => {
    const line = mapLine(spec, Number(n));
    return line === suffixLine ? '' : `${spec.source}:${line}: `;
  });
  body = body.replace(/user_script:(\d+)/g, (_all, n: string) => `${spec.source}:${mapLine(spec, Number(n))}`);
  return { code, message: `${code} ${body}`, line: suffixLine };
}

function isReplyError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'ReplyError';
}

function isNoScript(e: unknown): boolean {
  return isReplyError(e) && e.message.startsWith('NOSCRIPT');
}

function wrapError(spec: ScriptSpec, e: unknown): unknown {
  return isReplyError(e) ? new ScriptError(spec, e) : e;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value)}`;
  return typeof value;
}

function fail(spec: ScriptSpec, field: string, expected: string, value: unknown): never {
  throw new TypeError(`${spec.name}: '${field}' must be ${expected}, got ${describe(value)}`);
}

/** True when `key` has a non-empty {hash tag}, by the rule Redis Cluster uses. */
export function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}

function encodeArg(spec: ScriptSpec, field: string, type: ArgKind, value: unknown): string | Buffer {
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : fail(spec, field, 'a string', value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : fail(spec, field, 'a safe integer', value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : fail(spec, field, 'a finite number', value);
    case 'boolean':
      return typeof value === 'boolean' ? (value ? '1' : '0') : fail(spec, field, 'a boolean', value);
    case 'buffer':
      return typeof value === 'string' || Buffer.isBuffer(value) ? value : fail(spec, field, 'a Buffer or a string', value);
    case 'json': {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (e) {
        fail(spec, field, `JSON-serialisable (${(e as Error).message})`, value);
      }
      return text === undefined ? fail(spec, field, 'a JSON value', value) : text;
    }
    case 'literal':
      return typeof value === 'string' && type.values.includes(value)
        ? value
        : fail(spec, field, `one of ${type.values.map((v) => JSON.stringify(v)).join(', ')}`, value);
  }
}

function encodeKey(spec: ScriptSpec, field: string, key: KeyField, value: unknown): string {
  if (typeof value !== 'string') fail(spec, field, 'a string key', value);
  if (key.tagged && !hasHashTag(value)) {
    throw new TypeError(
      `${spec.name}: '${field}' must carry a non-empty {hash tag} (the script derives other keys from it), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function listOf(spec: ScriptSpec, name: string, value: unknown): unknown[] {
  return Array.isArray(value) ? value : fail(spec, name, 'an array', value);
}

/** Validates `params` against the contract and returns the KEYS and ARGV to send. */
export function encodeParams(spec: ScriptSpec, params: unknown): { keys: string[]; args: Array<string | Buffer> } {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new TypeError(`${spec.name}: expected one params object, got ${describe(params)}`);
  }
  const record = params as Record<string, unknown>;
  const known = new Set([...spec.keys.map((k) => k.name), ...spec.args.map((a) => a.name)]);
  for (const field of Object.keys(record)) {
    if (!known.has(field)) {
      throw new TypeError(
        `${spec.name}: unknown field '${field}' (expected ${[...known].map((k) => `'${k}'`).join(', ') || 'no fields'})`,
      );
    }
  }
  const get = (name: string): unknown => {
    const value = record[name];
    if (value === undefined) throw new TypeError(`${spec.name}: missing required field '${name}'`);
    return value;
  };
  const keys: string[] = [];
  for (const key of spec.keys) {
    const value = get(key.name);
    if (key.variadic) listOf(spec, key.name, value).forEach((v, i) => keys.push(encodeKey(spec, `${key.name}[${i}]`, key, v)));
    else keys.push(encodeKey(spec, key.name, key, value));
  }
  const args: Array<string | Buffer> = [];
  for (const arg of spec.args) {
    const value = get(arg.name);
    if (arg.variadic) listOf(spec, arg.name, value).forEach((v, i) => args.push(encodeArg(spec, `${arg.name}[${i}]`, arg.type, v)));
    else args.push(encodeArg(spec, arg.name, arg.type, value));
  }
  return { keys, args };
}

function keyPrefixOf(target: unknown): string | undefined {
  const options = (target as { options?: { keyPrefix?: unknown } }).options;
  return typeof options?.keyPrefix === 'string' ? options.keyPrefix : undefined;
}

/** The hash slot of `key` after ioredis' keyPrefix, computed by ioredis itself. */
export function slotOf(key: string, keyPrefix?: string): number {
  return new Command('exists', [key], keyPrefix ? { keyPrefix } : {}).getSlot() as number;
}

function checkSlots(spec: ScriptSpec, keys: readonly string[], keyPrefix: string | undefined): void {
  if (keys.length < 2) return;
  const slots: Record<string, number> = {};
  let first: number | undefined;
  let differ = false;
  for (const key of keys) {
    const slot = slotOf(key, keyPrefix);
    slots[(keyPrefix ?? '') + key] = slot;
    if (first === undefined) first = slot;
    else if (slot !== first) differ = true;
  }
  if (differ) throw new CrossSlotError(spec, slots);
}

function decode(spec: ScriptSpec, type: ReturnKind, value: unknown, path: string): unknown {
  const mismatch = (expected: string): never => {
    throw new TypeError(`${spec.name}: the script returned ${describe(value)}${path ? ` at ${path}` : ''} where the contract says ${expected}`);
  };
  if (value instanceof Error) throw wrapError(spec, value);
  switch (type.kind) {
    case 'any':
      return value;
    case 'integer':
      return typeof value === 'number' ? value : mismatch('integer');
    case 'string':
    case 'status':
      return typeof value === 'string' ? value : mismatch(type.kind);
    case 'boolean':
      return value === 1 ? true : value === null ? false : mismatch('boolean (Lua true or false)');
    case 'nil':
      return value === null ? null : mismatch('nil');
    case 'optional':
      return value === null ? null : decode(spec, type.of, value, path);
    case 'array':
      return Array.isArray(value) ? value.map((v, i) => decode(spec, type.of, v, `${path}[${i}]`)) : mismatch('an array');
    case 'tuple':
      if (!Array.isArray(value) || value.length !== type.items.length) return mismatch(`a tuple of ${type.items.length}`);
      return type.items.map((t, i) => decode(spec, t, value[i], `${path}[${i}]`));
    case 'hash': {
      if (!Array.isArray(value) || value.length % 2 !== 0) return mismatch('hash (a flat field/value array)');
      const entries: Array<[string, string]> = [];
      for (let i = 0; i < value.length; i += 2) {
        const f: unknown = value[i];
        const v: unknown = value[i + 1];
        if ((typeof f !== 'string' && typeof f !== 'number') || (typeof v !== 'string' && typeof v !== 'number')) {
          return mismatch('hash (strings)');
        }
        entries.push([String(f), String(v)]);
      }
      return Object.fromEntries(entries);
    }
    case 'json':
      if (value === null) return null;
      if (typeof value !== 'string') return mismatch('json (a JSON string)');
      try {
        return JSON.parse(value) as unknown;
      } catch (e) {
        throw new TypeError(`${spec.name}: the script returned text that is not JSON${path ? ` at ${path}` : ''}: ${(e as Error).message}`);
      }
  }
}

/** Decodes one raw reply (as ioredis returns it) to the declared return type. */
export function decodeReply<R>(spec: ScriptSpec, reply: unknown): R {
  return decode(spec, spec.returns, reply, '') as R;
}

interface Caller {
  call(command: string, ...args: unknown[]): Promise<unknown>;
}

/** Runs the script: EVALSHA first, EVAL on NOSCRIPT (on the node the keys route to). */
export async function runScript<R>(spec: ScriptSpec, client: Client, params: unknown): Promise<R> {
  const { keys, args } = encodeParams(spec, params);
  if (client.isCluster) checkSlots(spec, keys, keyPrefixOf(client));
  const caller = client as unknown as Caller;
  const tail = [keys.length, ...keys, ...args];
  let reply: unknown;
  try {
    reply = await caller.call(spec.readOnly ? 'evalsha_ro' : 'evalsha', spec.sha, ...tail);
  } catch (e) {
    if (!isNoScript(e)) throw wrapError(spec, e);
    try {
      reply = await caller.call(spec.readOnly ? 'eval_ro' : 'eval', spec.lua, ...tail);
    } catch (e2) {
      throw wrapError(spec, e2);
    }
  }
  return decodeReply<R>(spec, reply);
}

/**
 * Queues the script on a pipeline() or multi(). Sends EVAL with the full text: inside a
 * transaction an EVALSHA can meet NOSCRIPT at EXEC time, and retrying it later in a pipeline
 * would reorder it after the commands that follow. The returned promise settles with the
 * decoded reply when the pipeline runs; exec() still returns the raw replies.
 */
export function queueScript<R>(spec: ScriptSpec, chain: ChainableCommander, params: unknown): Promise<R> {
  const { keys, args } = encodeParams(spec, params);
  const target = chain as unknown as ChainInternals;
  if (target.isCluster) checkSlots(spec, keys, keyPrefixOf(target.redis ?? chain));
  const command = spec.readOnly ? 'eval_ro' : 'eval';
  const result = new Promise<R>((resolve, reject) => {
    const settle = (err: Error | null | undefined, reply?: unknown): void => {
      if (err) {
        reject(wrapError(spec, err));
        return;
      }
      try {
        resolve(decodeReply<R>(spec, reply));
      } catch (e) {
        reject(e);
      }
    };
    if ((target._transactions ?? 0) > 0) {
      // Inside multi() each command's own reply is "QUEUED": the real one is in EXEC's reply.
      // The queue holds MULTI first, so this command's EXEC index is the queue length - 1.
      pendingOf(target).push({ index: chain.length - 1, settle });
      target.call(command, spec.lua, keys.length, ...keys, ...args);
    } else {
      target.call(command, spec.lua, keys.length, ...keys, ...args, settle);
    }
  });
  // The caller may read results from exec() only; an ignored rejection must not crash the process.
  result.catch(() => undefined);
  return result;
}

interface Pending {
  index: number;
  settle: (err: Error | null | undefined, reply?: unknown) => void;
}

interface ChainInternals {
  isCluster?: boolean;
  redis?: unknown;
  _transactions?: number;
  call(...args: unknown[]): unknown;
  exec(...args: unknown[]): Promise<unknown>;
  [PENDING]?: Pending[];
}

const PENDING = Symbol('redis-luagen pending results');

/** Hooks exec() of a multi() once, to settle the queued scripts from EXEC's reply. */
function pendingOf(target: ChainInternals): Pending[] {
  const existing = target[PENDING];
  if (existing) return existing;
  const pending: Pending[] = [];
  target[PENDING] = pending;
  const exec = target.exec;
  target.exec = function (this: ChainInternals, ...execArgs: unknown[]): Promise<unknown> {
    const promise = exec.apply(this, execArgs);
    promise.then(
      (results) => {
        const rows = Array.isArray(results) ? (results as Array<[Error | null, unknown]>) : [];
        for (const p of pending) {
          const row = rows[p.index];
          if (row) p.settle(row[0], row[1]);
          else p.settle(new Error('the transaction was discarded (EXEC returned no reply for this command)'));
        }
      },
      (error: unknown) => {
        for (const p of pending) p.settle(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return promise;
  };
  return pending;
}

/**
 * Loads every script with SCRIPT LOAD on every node: the one server, or every master and
 * replica of a Cluster (SCRIPT LOAD is not replicated). Verifies each digest.
 */
export async function loadScripts(client: Client, specs: readonly ScriptSpec[]): Promise<void> {
  const nodes: readonly Redis[] = client.isCluster ? (client as Cluster).nodes('all') : [client as Redis];
  await Promise.all(
    nodes.map(async (node) => {
      for (const spec of specs) {
        const sha = await node.script('LOAD', spec.lua);
        if (sha !== spec.sha) {
          throw new Error(`${spec.name}: SCRIPT LOAD returned ${String(sha)} but the generated sha is ${spec.sha}; rebuild the wrappers`);
        }
      }
    }),
  );
}
