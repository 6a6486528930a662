// redis-luagen runtime for ioredis: copied next to the generated wrappers, so generated code
// needs nothing at run time but an ioredis client (it imports only ioredis' types).
//
// - Params are validated and encoded before anything is sent (own fields only, no holes,
//   at most MAX_ARGUMENTS keys and args, sent as one array: never spread into a JS call).
// - On a Cluster the hash slot of every key (after keyPrefix) is computed as Redis does.
// - Direct calls send EVALSHA (EVALSHA_RO for no-writes scripts); on NOSCRIPT they load the
//   script with SCRIPT LOAD (every node of a Cluster) and send EVALSHA again.
// - Batches (pipeline() / multi()) carry each distinct script text once: the first call of a
//   script in a batch is EVAL, the next ones EVALSHA. No row is added to what exec() returns.
// - A queued call's promise settles from the batch's final result only (ioredis' own
//   pipeline promise, which survives its MOVED/ASK/TRYAGAIN retries), so it always equals
//   its own exec() row. No ioredis method is replaced; no state is put on the client.
// - Errors raised while the script ran become ScriptError with the .lua file, line and the
//   source's local names; routing errors (MOVED, CLUSTERDOWN...) reach the caller as they are.
import type { ChainableCommander, Cluster, Redis } from 'ioredis';
// runtime-core begin: the emitted runtime has runtime-core.ts here
import {
  batchCommand,
  callerError,
  decodeReply,
  checkSlots,
  describe,
  encodeCall,
  loadAllWith,
  QueuedCall,
  runWith,
  type Connection,
  type ScriptSpec,
  type Sender,
} from './runtime-core.js';
export * from './runtime-core.js';
// runtime-core end

export type Client = Redis | Cluster;

// ---- direct calls -----------------------------------------------------------------------

interface Commands {
  isCluster?: boolean;
  isPipeline?: boolean;
  options?: { keyPrefix?: unknown };
  call(command: string, ...args: unknown[]): unknown;
}

function keyPrefixOf(target: { options?: { keyPrefix?: unknown } }): string | Buffer | undefined {
  const prefix = target.options?.keyPrefix;
  return typeof prefix === 'string' || Buffer.isBuffer(prefix) ? prefix : undefined;
}

/** The encoded call, its keys checked for one hash slot when `target` is a Cluster. */
function tailOf(spec: ScriptSpec, target: Commands, params: unknown): Array<string | Buffer> {
  const tail = encodeCall(spec, params);
  if (target.isCluster) checkSlots(spec, tail, keyPrefixOf(target));
  return tail;
}

function senderOf(target: Commands): Sender {
  return (command, first, tail) => target.call(command, first, tail) as Promise<unknown>;
}

/** The client as the shared call algorithms see it. */
function connectionOf(client: Client): Connection {
  return {
    client,
    send: senderOf(client as unknown as Commands),
    nodes: (which) => {
      const nodes = client.isCluster ? (client as Cluster).nodes(which) : [client as Redis];
      return Promise.resolve(nodes.map((n) => senderOf(n as unknown as Commands)));
    },
  };
}

/** Runs the script now: EVALSHA first; on NOSCRIPT, SCRIPT LOAD and EVALSHA again. */
export function runScript<R>(spec: ScriptSpec, client: Client, params: unknown): Promise<R> {
  const target = client as unknown as Commands;
  let tail: Array<string | Buffer>;
  try {
    if (typeof target !== 'object' || target === null || typeof target.call !== 'function') {
      throw new TypeError(`${spec.name}: the first argument must be an ioredis Redis or Cluster, got ${describe(client)}`);
    }
    if (target.isPipeline) {
      throw new TypeError(`${spec.name}: the first argument is a pipeline() or multi(); queue the call with ${spec.name}.queue(chain, params)`);
    }
    tail = tailOf(spec, target, params);
  } catch (e) {
    return Promise.reject(e);
  }
  return runWith<R>(spec, connectionOf(client), tail);
}

// ---- batches: pipeline() and multi() ----------------------------------------------------

interface Chain extends Commands {
  readonly length: number;
  /** ioredis' own promise of the batch: settles once, with the final rows, after its retries. */
  promise: Promise<unknown>;
  _transactions?: number;
  _queue?: ReadonlyArray<{ name: string; ignore?: boolean }>;
}

type Row = [Error | null, unknown];

interface Waiting {
  call: QueuedCall<unknown>;
  /** This call's row in the raw rows of the batch (MULTI and EXEC included). */
  position: number;
  inTransaction: boolean;
}

interface Batch {
  /** Scripts whose text this batch already carries (an EVAL queued before). */
  sent: Set<string>;
  waiting: Waiting[];
}

/** One entry per pipeline or multi object; it goes when the batch object goes. */
const batches = new WeakMap<object, Batch>();

function batchOf(chain: Chain): Batch {
  let batch = batches.get(chain);
  if (batch) return batch;
  const fresh: Batch = { sent: new Set(), waiting: [] };
  batches.set(chain, fresh);
  chain.promise.then(
    (rows) => settleBatch(chain, fresh, rows),
    (error: unknown) => {
      for (const w of fresh.waiting) w.call.reject(error);
    },
  );
  return (batch = fresh);
}

/**
 * Queues the script on a pipeline() or multi(). The first call of a script in the batch sends
 * its text (EVAL), the next ones its SHA-1 (EVALSHA). The promise settles with this call's own
 * row of the batch's final result; exec() still returns the raw rows.
 */
export function queueScript<R>(spec: ScriptSpec, chain: ChainableCommander, params: unknown): Promise<R> {
  const target = chain as unknown as Chain;
  if (typeof target !== 'object' || target === null || target.isPipeline !== true || typeof target.promise?.then !== 'function') {
    throw new TypeError(
      `${spec.name}.queue: the first argument must be a pipeline() or multi() of an ioredis client, got ${describe(chain)}; to run the script now, call ${spec.name}(redis, params)`,
    );
  }
  const tail = tailOf(spec, target, params);
  const batch = batchOf(target);
  const result = new QueuedCall<R>(spec);
  batch.waiting.push({ call: result, position: target.length, inTransaction: (target._transactions ?? 0) > 0 });
  const [command, first] = batchCommand(spec, batch.sent);
  target.call(command, first, tail);
  return result;
}

function settleBatch(chain: Chain, batch: Batch, result: unknown): void {
  const rows = (Array.isArray(result) ? result : []) as Row[];
  const transactions = batch.waiting.some((w) => w.inTransaction) ? transactionsOf(chain, rows.length) : undefined;
  for (const w of batch.waiting) {
    try {
      w.call.resolve(w.inTransaction ? fromTransaction(w, rows, transactions?.[w.position]) : fromRow(w.call.spec, rows[w.position]));
    } catch (e) {
      w.call.reject(e);
    }
  }
}

/** For each row inside MULTI ... EXEC: the rows of its MULTI and EXEC. */
type Enclosing = { multiAt: number; execAt: number };

/**
 * The MULTI and EXEC around every row, from the command names (ioredis drops the ASKING
 * commands it adds on a retry from the rows, so the remaining names align with them).
 * Without them (an ioredis that hides its queue), multi() has MULTI first and EXEC last.
 */
function transactionsOf(chain: Chain, count: number): Array<Enclosing | undefined> {
  const names = chain._queue?.filter((c) => !c.ignore).map((c) => c.name);
  if (!names || names.length !== count) return new Array<Enclosing>(count).fill({ multiAt: 0, execAt: count - 1 });
  const out: Array<Enclosing | undefined> = new Array(count);
  let open: number[] = [];
  let multiAt = -1;
  names.forEach((name, i) => {
    if (name === 'multi') {
      multiAt = i;
      open = [];
    } else if (name === 'exec' && multiAt >= 0) {
      const around = { multiAt, execAt: i };
      for (const j of open) out[j] = around;
      multiAt = -1;
    } else if (multiAt >= 0) {
      open.push(i);
    }
  });
  return out;
}

function fromRow(spec: ScriptSpec, row: Row | undefined): unknown {
  if (!row) throw new Error(`${spec.name}: the batch returned no row for this call`);
  if (row[0]) throw callerError(spec, row[0]);
  return decodeReply(spec, row[1]);
}

/** Inside MULTI a call's own row says QUEUED: its reply is in EXEC's row. */
function fromTransaction(w: Waiting, rows: Row[], around: Enclosing | undefined): unknown {
  const exec = around && rows[around.execAt];
  if (!around || !exec) throw new Error(`${w.call.spec.name}: the transaction returned no EXEC row for this call`);
  const [error, replies] = exec;
  // Refused while queueing (the call's own row), or the whole transaction (EXECABORT).
  if (error) throw callerError(w.call.spec, rows[w.position]?.[0] ?? error);
  if (replies === null) {
    throw new Error(`${w.call.spec.name}: the transaction was aborted (a WATCHed key changed, EXEC returned null); the script did not run`);
  }
  return decodeReply(w.call.spec, (replies as unknown[])[w.position - around.multiAt - 1]);
}

// ---- loading ----------------------------------------------------------------------------

export interface LoadOptions {
  /** How long to wait for a client that is still connecting (default 10,000 ms). */
  timeoutMs?: number;
}

/** Resolves when the client is ready; rejects when it ends or after `timeoutMs`. */
function whenReady(client: Client, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'wait') client.connect().catch(() => undefined);
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onEnd = (): void => done(new Error('loadScripts: the connection ended before it was ready'));
    const timer = setTimeout(
      () => done(new Error(`loadScripts: the ${client.isCluster ? 'cluster' : 'server'} was not ready after ${timeoutMs} ms (status: ${client.status})`)),
      timeoutMs,
    );
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}

/**
 * Loads every script with SCRIPT LOAD on every node: the one server, or every master and
 * replica of a Cluster (SCRIPT LOAD is not replicated), once the client is ready. Scripts
 * loaded this way are never evicted (Redis 7.4+ and Valkey 8+ evict only what EVAL loaded).
 * Verifies each digest.

/**
 * Loads every script with SCRIPT LOAD on every node (the one server, or every master and
 * replica of a Cluster), and every function library with FUNCTION LOAD REPLACE on every
 * master, once the client is ready. Verifies each digest and library name.
 */
export async function loadScripts(client: Client, specs: readonly ScriptSpec[], options: LoadOptions = {}): Promise<void> {
  await whenReady(client, options.timeoutMs ?? 10_000);
  await loadAllWith(connectionOf(client), specs);
}
