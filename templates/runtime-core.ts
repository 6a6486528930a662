// redis-luagen runtime, the part every client shares: contracts, params, hash slots, replies,
// errors, and the call algorithms (EVALSHA with NOSCRIPT recovery, FCALL with library
// loading). A client adapter (ioredis, node-redis) supplies a Connection: how to send one
// command, and the nodes to load on. The runtime copied next to the wrappers is the adapter
// with this file in place of its core import, so it is one module that imports nothing but
// the client's types.

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
  /** A key prefix the script builds keys from: it must carry a hash tag, in the slot of the keys. */
  tagged?: boolean;
}

/** A local the minifier renamed: [name in the text sent, name in the source, first line, last line] (lines of the text sent). */
export type LocalName = readonly [sent: string, source: string, firstLine: number, lastLine: number];

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
  /** With includes: lineFiles[n - 1] is the index in `files` of the .lua file of line n (files[0] is `source`). */
  lineFiles?: readonly number[];
  files?: readonly string[];
  /** Renamed locals, so that Lua's error messages can name them as the source does. */
  localNames?: readonly LocalName[];
  /**
   * Functions mode: the script is the function `name` of a library of its own (`library`, the
   * code for FUNCTION LOAD), called with FCALL / FCALL_RO. Both names carry the script's
   * SHA-1, so two versions of a script live side by side during a deploy.
   */
  fn?: { name: string; library: string };
}

/**
 * The most keys and args one call sends. ioredis and Redis take more, but one script call is
 * atomic: a million arguments hold the connection and the server for about a second.
 */
export const MAX_ARGUMENTS = 1_000_000;

// ---- errors ---------------------------------------------------------------------------

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

  constructor(spec: ScriptSpec, reply: Error, text: string = reply.message) {
    const parsed = parseScriptError(spec, text);
    super(`${spec.name} (${parsed.file}${parsed.line === undefined ? '' : `:${parsed.line}`}): ${parsed.message}`, { cause: reply });
    this.name = 'ScriptError';
    this.script = spec.name;
    this.file = parsed.file;
    this.line = parsed.line;
    this.code = parsed.code;
    this.reply = reply;
  }
}

/** Thrown before sending when the keys of one call live in different Redis Cluster hash slots. */
export class CrossSlotError extends Error {
  readonly script: string;
  readonly slots: Readonly<Record<string, number>>;

  constructor(spec: ScriptSpec, slots: Record<string, number>, withPrefixes = false) {
    const list = Object.entries(slots)
      .map(([k, s]) => `${k} -> ${s}`)
      .join(', ');
    super(`${spec.name}: keys ${withPrefixes ? 'and key prefixes ' : ''}hash to different cluster slots (${list}); give them a common {hash tag} so they land in one slot`);
    this.name = 'CrossSlotError';
    this.script = spec.name;
    this.slots = slots;
  }
}

const SCRIPT_ERROR = /^(\S+) ([\s\S]*?)(?: script: ([0-9a-f]{40}), on @user_script:(\d+)\.)?$/;
const RAN_IN_SCRIPT = / script: [0-9a-f]{40}, on @user_script:\d+\.$/;
/** Replies that mean the script did not run: routing, loading, refusals before execution. */
const NOT_FROM_SCRIPT = new Set([
  'MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN', 'CROSSSLOT', 'NOSCRIPT', 'LOADING', 'READONLY', 'MASTERDOWN',
  'BUSY', 'NOREPLICAS', 'EXECABORT', 'NOAUTH', 'WRONGPASS', 'NOPERM', 'OOM', 'MISCONF',
]);
/** ioredis' wrapping of the last reply when a Cluster command ran out of redirections. */
const REDIRECTIONS = /^Too many Cluster redirections\. Last error: ReplyError: /;

function mapLine(spec: ScriptSpec, line: number): number {
  return spec.lineMap ? (spec.lineMap[line - 1] ?? line) : line;
}

/** The .lua file of line `line` of the text sent (an included file, or the script). */
function mapFile(spec: ScriptSpec, line: number | undefined): string {
  const index = line === undefined ? undefined : spec.lineFiles?.[line - 1];
  return (index !== undefined ? spec.files?.[index] : undefined) ?? spec.source;
}

/** `local 'e'` / `upvalue 'e'` in a Lua message at line `line` of the text sent, named as the source names it. */
function sourceNames(spec: ScriptSpec, body: string, line: number | undefined): string {
  const renamed = spec.localNames;
  if (!renamed || line === undefined) return body;
  return body.replace(/\b(local|upvalue) '([A-Za-z_][A-Za-z0-9_]*)'/g, (all, kind: string, sent: string) => {
    const names = [...new Set(renamed.filter(([s, , from, to]) => s === sent && line >= from && line <= to).map(([, source]) => source))];
    return names.length ? `${kind} ${names.map((n) => `'${n}'`).join(' or ')}` : all;
  });
}

/**
 * A function's error in the words of a script's: `script: <name>, on @user_function:N` as
 * `script: <sha>, on @user_script:M`, where M is the line of the text sent (the library adds
 * two lines before it: `#!lua name=...` and the function's header).
 */
function asScriptError(spec: ScriptSpec, text: string): string {
  if (!spec.fn) return text;
  const line = (n: string) => String(Math.max(1, Number(n) - FUNCTION_HEADER_LINES));
  return text
    .replace(/user_function:(\d+)/g, (_all, n: string) => `user_script:${line(n)}`)
    .replace(` script: ${spec.fn.name}, on @user_script:`, ` script: ${spec.sha}, on @user_script:`);
}

/** Lines a function library puts before the script's own text. */
const FUNCTION_HEADER_LINES = 2;

/** @internal */
export function isFunctionMissing(e: unknown): boolean {
  return replyText(e)?.startsWith('ERR Function not found') ?? false;
}

function parseScriptError(spec: ScriptSpec, given: string): { code: string; message: string; line: number | undefined; file: string } {
  const text = asScriptError(spec, given);
  const m = SCRIPT_ERROR.exec(text);
  if (!m) return { code: 'ERR', message: text, line: undefined, file: spec.source };
  const code = m[1] as string;
  const sentLine = m[4] === undefined ? undefined : Number(m[4]);
  const suffixLine = sentLine === undefined ? undefined : mapLine(spec, sentLine);
  let body = m[2] as string;
  // Lua's own position prefix: drop it when it repeats the suffix line, else rewrite it.
  const prefix = /^user_script:(\d+): /.exec(body);
  const errorLine = prefix ? Number(prefix[1]) : sentLine;
  body = sourceNames(spec, body, errorLine);
  body = body.replace(/^user_script:(\d+): /, (_all, n: string) => {
    const line = mapLine(spec, Number(n));
    return line === suffixLine && n === m[4] ? '' : `${mapFile(spec, Number(n))}:${line}: `;
  });
  body = body.replace(/user_script:(\d+)/g, (_all, n: string) => `${mapFile(spec, Number(n))}:${mapLine(spec, Number(n))}`);
  return { code, message: `${code} ${body}`, line: suffixLine, file: mapFile(spec, sentLine) };
}

/** An error reply of the server: ioredis' ReplyError, node-redis' ErrorReply (SimpleError, BlobError). */
function isReplyError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (e.name === 'ReplyError') return true;
  for (let p: unknown = Object.getPrototypeOf(e); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'ErrorReply') return true;
  }
  return false;
}

/** The text of the Redis reply behind `e`, also when ioredis wrapped it after redirections. */
function replyText(e: unknown): string | undefined {
  if (isReplyError(e)) return e.message;
  if (e instanceof Error && REDIRECTIONS.test(e.message)) return e.message.replace(REDIRECTIONS, '');
  return undefined;
}

/** @internal */
export function isNoScript(e: unknown): boolean {
  return replyText(e)?.startsWith('NOSCRIPT') ?? false;
}

/** What the caller gets for a failed call: ScriptError when the script ran, else the error as is. @internal */
export function callerError(spec: ScriptSpec, e: unknown): unknown {
  const given = replyText(e);
  if (given === undefined || isFunctionMissing(e)) return e;
  const text = asScriptError(spec, given);
  const space = text.indexOf(' ');
  const code = space < 0 ? text : text.slice(0, space);
  return RAN_IN_SCRIPT.test(text) || !NOT_FROM_SCRIPT.has(code) ? new ScriptError(spec, e as Error, text) : e;
}

// ---- params -----------------------------------------------------------------------------

/** @internal */
export function describe(value: unknown): string {
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
      return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : fail(spec, field, 'a safe integer', value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : fail(spec, field, 'a finite number', value);
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

function encodeArgField(spec: ScriptSpec, field: string, arg: ArgField, value: unknown): string | Buffer {
  const encoded = encodeArg(spec, field, arg.type, value);
  if (arg.tagged && (typeof encoded !== 'string' || !hasHashTag(encoded))) {
    throw new TypeError(
      `${spec.name}: '${field}' is a key prefix and must carry a non-empty {hash tag} (the script builds keys from it), got ${describe(value)}`,
    );
  }
  return encoded;
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

/** The caller's own field: inherited and prototype fields are never read. */
function field(spec: ScriptSpec, record: object, name: string): unknown {
  const value = Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined;
  if (value === undefined) throw new TypeError(`${spec.name}: missing required field '${name}'`);
  return value;
}

/** Pushes every item of a variadic field through `encode`, refusing holes and oversized totals. */
function pushEach<T>(spec: ScriptSpec, name: string, value: unknown, total: number, out: T[], encode: (field: string, v: unknown) => T): void {
  if (!Array.isArray(value)) fail(spec, name, 'an array', value);
  if (total + value.length > MAX_ARGUMENTS) {
    throw new TypeError(
      `${spec.name}: '${name}' makes ${total + value.length} keys and args, more than the ${MAX_ARGUMENTS} one call may send; split the list over several calls`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    if (!Object.hasOwn(value, i)) throw new TypeError(`${spec.name}: '${name}[${i}]' is missing (the array has a hole there)`);
    out.push(encode(`${name}[${i}]`, value[i]));
  }
}

/** Refuses an own enumerable field that is neither a key nor an arg (a typo, a stale name). */
function refuseUnknownFields(spec: ScriptSpec, record: object): void {
  let fields = 0;
  for (const f in record) if (Object.hasOwn(record, f)) fields++;
  let known = 0;
  for (const k of spec.keys) if (Object.hasOwn(record, k.name)) known++;
  for (const a of spec.args) if (Object.hasOwn(record, a.name)) known++;
  if (fields <= known) return;
  const names = [...spec.keys.map((k) => k.name), ...spec.args.map((a) => a.name)];
  const unknown = Object.keys(record).find((f) => !names.includes(f));
  if (unknown === undefined) return; // the difference is non-enumerable known fields
  throw new TypeError(`${spec.name}: unknown field '${unknown}' (expected ${names.map((k) => `'${k}'`).join(', ') || 'no fields'})`);
}

/**
 * Validates `params` against the contract and returns what follows the script in EVAL /
 * EVALSHA: numkeys, the KEYS, then the ARGV, in one array (ioredis flattens it, so nothing is
 * ever spread into a JavaScript call).
 */
export function encodeCall(spec: ScriptSpec, params: unknown): Array<string | Buffer> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new TypeError(`${spec.name}: expected one params object, got ${describe(params)}`);
  }
  refuseUnknownFields(spec, params);
  const tail: Array<string | Buffer> = [''];
  for (const key of spec.keys) {
    const value = field(spec, params, key.name);
    if (key.variadic) pushEach(spec, key.name, value, tail.length - 1, tail, (f, v) => encodeKey(spec, f, key, v));
    else tail.push(encodeKey(spec, key.name, key, value));
  }
  tail[0] = String(tail.length - 1);
  for (const arg of spec.args) {
    const value = field(spec, params, arg.name);
    if (arg.variadic) pushEach(spec, arg.name, value, tail.length - 1, tail, (f, v) => encodeArgField(spec, f, arg, v));
    else tail.push(encodeArgField(spec, arg.name, arg, value));
  }
  return tail;
}

/** The KEYS of an encoded call. @internal */
export function keysOf(tail: ReadonlyArray<string | Buffer>): string[] {
  return tail.slice(1, 1 + Number(tail[0])) as string[];
}

/** Validates `params` against the contract and returns the KEYS and ARGV to send. */
export function encodeParams(spec: ScriptSpec, params: unknown): { keys: string[]; args: Array<string | Buffer> } {
  const tail = encodeCall(spec, params);
  const keys = keysOf(tail);
  return { keys, args: tail.slice(1 + keys.length) };
}

// ---- hash slots -------------------------------------------------------------------------

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) ^ (CRC16_TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number)) & 0xffff;
  return crc;
}

/**
 * The Redis Cluster hash slot of `key` after ioredis' `keyPrefix`, as CLUSTER KEYSLOT computes
 * it: the bytes between the first `{` and the first `}` after it, when there are any; else the
 * whole key (so `{}{z}1` hashes whole).
 */
export function slotOf(key: string | Buffer, keyPrefix?: string | Buffer): number {
  const parts = [keyPrefix, key].filter((p) => p !== undefined).map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
  const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) & 16383;
  }
  return crc16(bytes) & 16383;
}


/** The tagged prefix args of an encoded call (ioredis' keyPrefix does not apply to ARGV). */
function taggedArgsOf(spec: ScriptSpec, tail: ReadonlyArray<string | Buffer>): string[] {
  if (!spec.args.some((a) => a.tagged)) return [];
  const out: string[] = [];
  let at = 1 + Number(tail[0]);
  for (const arg of spec.args) {
    const count = arg.variadic ? tail.length - at : 1;
    if (arg.tagged) for (let i = 0; i < count; i++) out.push(tail[at + i] as string);
    at += count;
  }
  return out;
}

/** Every key (after keyPrefix) and every tagged prefix arg must hash to one slot. @internal */
export function checkSlots(spec: ScriptSpec, tail: ReadonlyArray<string | Buffer>, keyPrefix: string | Buffer | undefined): void {
  const keys = keysOf(tail);
  const prefixes = taggedArgsOf(spec, tail);
  if (keys.length + prefixes.length < 2) return;
  const slots: Record<string, number> = {};
  let first: number | undefined;
  let differ = false;
  const note = (name: string, slot: number): void => {
    slots[name] = slot;
    if (first === undefined) first = slot;
    else if (slot !== first) differ = true;
  };
  for (const key of keys) note((keyPrefix ?? '').toString() + key, slotOf(key, keyPrefix));
  for (const prefix of prefixes) note(prefix, slotOf(prefix));
  if (differ) throw new CrossSlotError(spec, slots, prefixes.length > 0);
}

// ---- replies ----------------------------------------------------------------------------

function decode(spec: ScriptSpec, type: ReturnKind, given: unknown, path: string): unknown {
  // A client set to return bulk strings as Buffers (node-redis typeMapping): the contract's
  // strings are still strings; `any` keeps what the client gives.
  const value = Buffer.isBuffer(given) && type.kind !== 'any' ? given.toString() : given;
  const mismatch = (expected: string): never => {
    throw new TypeError(`${spec.name}: the script returned ${describe(value)}${path ? ` at ${path}` : ''} where the contract says ${expected}`);
  };
  if (value instanceof Error) throw callerError(spec, value);
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
    case 'hash':
      return decodeHash(value, mismatch);
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

function decodeHash(value: unknown, mismatch: (expected: string) => never): Record<string, string> {
  if (!Array.isArray(value) || value.length % 2 !== 0) return mismatch('hash (a flat field/value array)');
  const entries: Array<[string, string]> = [];
  for (let i = 0; i < value.length; i += 2) {
    const f: unknown = Buffer.isBuffer(value[i]) ? String(value[i]) : value[i];
    const v: unknown = Buffer.isBuffer(value[i + 1]) ? String(value[i + 1]) : value[i + 1];
    if ((typeof f !== 'string' && typeof f !== 'number') || (typeof v !== 'string' && typeof v !== 'number')) return mismatch('hash (strings)');
    entries.push([String(f), String(v)]);
  }
  return Object.fromEntries(entries);
}

/** Decodes one raw reply (as ioredis returns it) to the declared return type. */
export function decodeReply<R>(spec: ScriptSpec, reply: unknown): R {
  return decode(spec, spec.returns, reply, '') as R;
}

// ---- calls, whatever the client ---------------------------------------------------------

/** Sends one command: the command name, its first argument, then the encoded tail as is. */
export type Sender = (command: string, first: string, tail: ReadonlyArray<string | Buffer>) => Promise<unknown>;

/** What a client adapter gives the calls. @internal */
export interface Connection {
  /** The client itself: loads in flight are kept per client. */
  readonly client: object;
  /** Sends to the node that serves the call's keys (the client routes it). */
  readonly send: Sender;
  /** The nodes to load on: the one server, or every master (and replica, with 'all') of a Cluster. */
  nodes(which: 'all' | 'master'): Promise<Sender[]>;
}

/** Runs the script now: EVALSHA (or FCALL) first; on NOSCRIPT (a missing function) loads it and calls again. @internal */
export function runWith<R>(spec: ScriptSpec, conn: Connection, tail: Array<string | Buffer>): Promise<R> {
  if (spec.fn) return runFunction<R>(spec, spec.fn, conn, tail);
  return conn.send(spec.readOnly ? 'evalsha_ro' : 'evalsha', spec.sha, tail).then(
    (reply) => decodeReply<R>(spec, reply),
    (e: unknown) => (isNoScript(e) ? reload(spec, conn, tail).then((reply) => decodeReply<R>(spec, reply)) : Promise.reject(callerError(spec, e))),
  );
}

/** SCRIPT LOAD where the script may be missing, then EVALSHA; EVAL only if it is still missing. */
async function reload(spec: ScriptSpec, conn: Connection, tail: Array<string | Buffer>): Promise<unknown> {
  await loadEverywhere(conn, spec);
  try {
    return await conn.send(spec.readOnly ? 'evalsha_ro' : 'evalsha', spec.sha, tail);
  } catch (e) {
    if (!isNoScript(e)) throw callerError(spec, e);
  }
  // Flushed again between the load and the call (a FLUSH loop, a node that just joined).
  try {
    return await conn.send(spec.readOnly ? 'eval_ro' : 'eval', spec.lua, tail);
  } catch (e) {
    throw callerError(spec, e);
  }
}

/** FCALL (FCALL_RO); when the function is missing, its library is loaded on every master and the call sent again. */
function runFunction<R>(spec: ScriptSpec, fn: NonNullable<ScriptSpec['fn']>, conn: Connection, tail: Array<string | Buffer>): Promise<R> {
  const fcall = () => conn.send(spec.readOnly ? 'fcall_ro' : 'fcall', fn.name, tail);
  return fcall().then(
    (reply) => decodeReply<R>(spec, reply),
    async (e: unknown) => {
      if (!isFunctionMissing(e)) throw callerError(spec, e);
      await loadLibrary(conn, fn);
      try {
        return decodeReply<R>(spec, await fcall());
      } catch (again) {
        throw callerError(spec, again);
      }
    },
  );
}

/**
 * FUNCTION LOAD REPLACE on every master: the one server, or each master of a Cluster (a
 * library is not sent across shards; replicas get it by replication, and it survives a
 * failover and a restart with the data). Checks the name Redis answers.
 */
async function loadLibrary(conn: Connection, fn: NonNullable<ScriptSpec['fn']>): Promise<void> {
  const masters = await conn.nodes('master');
  await Promise.all(
    masters.map(async (send) => {
      const name = await send('function', 'load', ['replace', fn.library]);
      if (name !== fn.name) throw new Error(`FUNCTION LOAD answered ${String(name)} for the library ${fn.name}; rebuild the wrappers`);
    }),
  );
}

/** Loads still in flight, so concurrent NOSCRIPTs of one script cost one SCRIPT LOAD per node. */
const loading = new WeakMap<object, Map<string, Promise<void>>>();

/** How long a call waits for SCRIPT LOAD on every node before it sends EVALSHA again. */
const LOAD_WAIT_MS = 1000;

/**
 * SCRIPT LOAD on every node that may run the call: the server, or every master and replica of
 * a Cluster (the script cache is per node and not replicated; a NOSCRIPT does not say which
 * replica a read went to). A node that is down or slow does not hold the call longer than
 * LOAD_WAIT_MS: where the script is still missing, the call falls back to EVAL.
 */
function loadEverywhere(conn: Connection, spec: ScriptSpec): Promise<void> {
  let inFlight = loading.get(conn.client);
  if (!inFlight) loading.set(conn.client, (inFlight = new Map()));
  const running = inFlight.get(spec.sha);
  if (running) return running;
  const flight = inFlight;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loads = conn.nodes('all').then((nodes) => Promise.allSettled(nodes.map((send) => send('script', 'load', [spec.lua]))));
  const done = Promise.race([loads, new Promise<void>((resolve) => (timer = setTimeout(resolve, LOAD_WAIT_MS).unref()))]).then(
    () => undefined,
    () => undefined,
  );
  const finished = done.then(() => {
    clearTimeout(timer);
    flight.delete(spec.sha);
  });
  flight.set(spec.sha, finished);
  return finished;
}

/**
 * Loads what the calls need on every node, and verifies it: each library with FUNCTION LOAD
 * REPLACE on every master, each script with SCRIPT LOAD on every node (SCRIPT LOAD is not
 * replicated). Scripts loaded this way are never evicted (Redis 7.4+ and Valkey 8+ evict only
 * what EVAL loaded). @internal
 */
export async function loadAllWith(conn: Connection, specs: readonly ScriptSpec[]): Promise<void> {
  for (const spec of specs) if (spec.fn) await loadLibrary(conn, spec.fn);
  const scripts = specs.filter((s) => !s.fn);
  if (!scripts.length) return;
  const nodes = await conn.nodes('all');
  await Promise.all(
    nodes.map(async (send) => {
      for (const spec of scripts) {
        const sha = await send('script', 'load', [spec.lua]);
        if (sha !== spec.sha) {
          throw new Error(`${spec.name}: SCRIPT LOAD returned ${String(sha)} but the generated sha is ${spec.sha}; rebuild the wrappers`);
        }
      }
    }),
  );
}

// ---- batches ----------------------------------------------------------------------------

/**
 * The command a queued call sends: its script's text (EVAL) the first time the batch carries
 * the script, its SHA-1 (EVALSHA) after; FCALL for a function (loaded once and kept with the
 * data, see loadAllScripts). `sent` is the batch's set of scripts already carried. @internal
 */
export function batchCommand(spec: ScriptSpec, sent: Set<string>): [command: string, first: string] {
  if (spec.fn) return [spec.readOnly ? 'fcall_ro' : 'fcall', spec.fn.name];
  const first = !sent.has(spec.sha);
  sent.add(spec.sha);
  return first ? [spec.readOnly ? 'eval_ro' : 'eval', spec.lua] : [spec.readOnly ? 'evalsha_ro' : 'evalsha', spec.sha];
}

/**
 * The result of one queued call, as a promise that is created only when someone asks for it
 * (await, then, catch, finally). A caller who reads exec()'s rows and ignores it costs no
 * Promise, and an ignored rejection cannot become an unhandled one.
 */
export class QueuedCall<R> implements Promise<R> {
  /** 0 pending, 1 resolved, 2 rejected. */
  private state = 0;
  private outcome: unknown;
  private promise: Promise<R> | undefined;
  private settlePromise: [(value: never) => void, (error: unknown) => void] | undefined;

  constructor(readonly spec: ScriptSpec) {}

  get [Symbol.toStringTag](): string {
    return 'Promise';
  }

  resolve(value: unknown): void {
    if (this.state !== 0) return;
    this.state = 1;
    this.outcome = value;
    this.settlePromise?.[0](value as never);
  }

  reject(error: unknown): void {
    if (this.state !== 0) return;
    this.state = 2;
    this.outcome = error;
    this.settlePromise?.[1](error);
  }

  private get(): Promise<R> {
    if (!this.promise) {
      if (this.state === 1) this.promise = Promise.resolve(this.outcome as R);
      else if (this.state === 2) this.promise = Promise.reject(this.outcome);
      else this.promise = new Promise<R>((resolve, reject) => (this.settlePromise = [resolve, reject]));
    }
    return this.promise;
  }

  then<A = R, B = never>(onResolved?: ((value: R) => A | PromiseLike<A>) | null, onRejected?: ((error: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.get().then(onResolved, onRejected);
  }

  catch<B = never>(onRejected?: ((error: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.get().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<R> {
    return this.get().finally(onFinally);
  }
}
