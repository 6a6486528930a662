// redis-luagen runtime for node-redis (the `redis` package): copied next to the generated
// wrappers, so generated code needs nothing at run time but a node-redis client (it imports
// nothing: the client types it takes are the shapes it uses).
//
// - Params are validated and encoded before anything is sent (own fields only, no holes,
//   at most MAX_ARGUMENTS keys and args).
// - On a Cluster (createCluster) the hash slot of every key is computed as Redis does, and the
//   call is routed by its first key.
// - Direct calls send EVALSHA (EVALSHA_RO for no-writes scripts); on NOSCRIPT they load the
//   script with SCRIPT LOAD (every master, and every replica the cluster reads from) and send
//   EVALSHA again. node-redis writes the calls of one tick together: that is its pipeline.
// - multi() carries each distinct script text once: the first call of a script is EVAL, the
//   next ones EVALSHA. No row is added to what exec() returns, and the rows stay raw.
// - node-redis gives a multi() no promise of its own, so the first queued call wraps that one
//   multi object's exec, EXEC and execAsPipeline (never a prototype, never the client): each
//   queued call's promise settles from the replies they return or the error they throw.
// - Errors raised while the script ran become ScriptError with the .lua file, line and the
//   source's local names; other errors reach the caller as they are.
// - node-redis' keyPrefix is not applied to script keys (node-redis prefixes only the
//   commands it parses): a direct call on a client with a keyPrefix is refused.
// runtime-core begin: the emitted runtime has runtime-core.ts here
import {
  batchCommand,
  callerError,
  checkSlots,
  decodeReply,
  describe,
  encodeCall,
  keysOf,
  loadAllWith,
  QueuedCall,
  runWith,
  type Connection,
  type ScriptSpec,
  type Sender,
} from './runtime-core.js';
export * from './runtime-core.js';
// runtime-core end

/* eslint-disable @typescript-eslint/no-explicit-any -- any node-redis client, whatever its modules, scripts and RESP */
/**
 * A node-redis client (`createClient()`) or cluster (`createCluster()`), with any modules,
 * scripts, functions and RESP version. Written as the shape the runtime uses: node-redis' own
 * generic types of a client and a cluster are not assignable to one another's defaults.
 */
export interface Client {
  sendCommand(...args: any[]): Promise<unknown>;
  multi(...args: any[]): unknown;
  readonly isOpen: boolean;
}

/** A node-redis `multi()` of a client or of a cluster. */
export interface Chain {
  addCommand(...args: any[]): unknown;
  exec(...args: any[]): Promise<unknown>;
  execAsPipeline(...args: any[]): Promise<unknown>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

type Args = Array<string | Buffer>;

interface NodeClient {
  sendCommand(args: Args): Promise<unknown>;
  multi(): unknown;
  readonly isOpen?: boolean;
  readonly _keyPrefix?: unknown;
}

interface ShardNode {
  readonly address?: string;
}

interface NodeCluster {
  sendCommand(firstKey: string | Buffer | undefined, isReadonly: boolean | undefined, args: Args): Promise<unknown>;
  nodeClient(node: ShardNode): Promise<NodeClient>;
  readonly masters: readonly ShardNode[];
  readonly replicas: readonly ShardNode[];
  readonly isOpen?: boolean;
  readonly _keyPrefix?: unknown;
}

/** True when `value` is an instance of a class named `name` (or of a subclass of it). */
function isInstanceNamed(value: unknown, name: string): boolean {
  for (let p: unknown = value === null || typeof value !== 'object' ? null : Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === name) return true;
  }
  return false;
}

function isCluster(client: unknown): client is NodeCluster {
  return typeof (client as NodeCluster).nodeClient === 'function';
}

// ---- direct calls -----------------------------------------------------------------------

/** The whole command as node-redis sends it: name, first argument, then the encoded tail. */
function commandOf(command: string, first: string, tail: ReadonlyArray<string | Buffer>): Args {
  const args: Args = new Array(tail.length + 2);
  args[0] = command;
  args[1] = first;
  for (let i = 0; i < tail.length; i++) args[i + 2] = tail[i] as string | Buffer;
  return args;
}

function clientSender(client: NodeClient): Sender {
  return (command, first, tail) => client.sendCommand(commandOf(command, first, tail));
}

const connections = new WeakMap<object, Connection>();

/** The client as the shared call algorithms see it (made once per client). */
function connectionOf(client: Client): Connection {
  let conn = connections.get(client);
  if (!conn) connections.set(client, (conn = newConnection(client)));
  return conn;
}

/** A cluster routes each call by its first key. */
function newConnection(client: Client): Connection {
  const target = client as unknown as NodeClient | NodeCluster;
  if (!isCluster(target)) return { client, send: clientSender(target), nodes: () => Promise.resolve([clientSender(target)]) };
  return {
    client,
    // Routed by the first key (a keyless script goes to any master); _RO commands may go to a replica.
    send: (command, first, tail) => target.sendCommand(Number(tail[0]) > 0 ? tail[1] : undefined, command.endsWith('_ro'), commandOf(command, first, tail)),
    // The replicas list is empty unless the cluster reads from replicas (useReplicas). A node
    // whose client cannot be had (down) is a sender that fails: the others still load.
    nodes: async (which) => {
      const nodes = which === 'all' ? [...target.masters, ...target.replicas] : [...target.masters];
      return Promise.all(
        nodes.map((node) => target.nodeClient(node).then(clientSender, (e: unknown): Sender => () => Promise.reject(e))),
      );
    },
  };
}

function refuseKeyPrefix(spec: ScriptSpec, target: { _keyPrefix?: unknown }): void {
  const prefix = target._keyPrefix;
  if (prefix !== undefined && prefix !== null && String(prefix) !== '') {
    throw new TypeError(
      `${spec.name}: this node-redis client has keyPrefix ${JSON.stringify(String(prefix))}, which node-redis applies only to the commands it parses; pass full key names to a client without keyPrefix`,
    );
  }
}

/** The encoded call, its keys checked for one hash slot when `cluster`. */
function tailOf(spec: ScriptSpec, cluster: boolean, params: unknown): Args {
  const tail = encodeCall(spec, params);
  if (cluster) checkSlots(spec, tail, undefined);
  return tail;
}

/** Runs the script now: EVALSHA first; on NOSCRIPT, SCRIPT LOAD and EVALSHA again. */
export function runScript<R>(spec: ScriptSpec, client: Client, params: unknown): Promise<R> {
  const target = client as unknown as NodeClient | NodeCluster;
  let tail: Args;
  try {
    if (typeof target !== 'object' || target === null || typeof target.sendCommand !== 'function') {
      throw new TypeError(`${spec.name}: the first argument must be a node-redis client (createClient) or cluster (createCluster), got ${describe(client)}`);
    }
    if (isChain(target)) {
      throw new TypeError(`${spec.name}: the first argument is a multi(); queue the call with ${spec.name}.queue(multi, params)`);
    }
    refuseKeyPrefix(spec, target);
    tail = tailOf(spec, isCluster(target), params);
  } catch (e) {
    return Promise.reject(e);
  }
  return runWith<R>(spec, connectionOf(client), tail);
}

// ---- batches: multi() -------------------------------------------------------------------

interface MultiObject {
  addCommand(...args: unknown[]): unknown;
  exec(...args: unknown[]): Promise<unknown>;
  execAsPipeline(): Promise<unknown>;
  EXEC?: (...args: unknown[]) => Promise<unknown>;
}

function isChain(value: unknown): value is MultiObject {
  if (typeof (value as MultiObject | null)?.execAsPipeline !== 'function') return false;
  return isInstanceNamed(value, 'RedisClientMultiCommand') || isInstanceNamed(value, 'RedisClusterMultiCommand');
}

/** A queued call: its promise, and its own reply once node-redis hands it over. */
interface Waiting {
  call: QueuedCall<unknown>;
  /** Set when node-redis handed over this call's reply (it never does for an error reply). */
  marker?: Marker;
}

/** Stands in this call's row between node-redis' reply handling and exec's return, so the row can be found. */
class Marker {
  constructor(readonly reply: unknown) {}
}

interface Batch {
  sent: Set<string>;
  /** A multi() of a cluster: its addCommand takes the routing key first. */
  cluster: boolean;
  waiting: Waiting[];
}

const batches = new WeakMap<object, Batch>();

/**
 * Queues the script on a multi(). The first call of a script in the multi sends its text
 * (EVAL), the next ones its SHA-1 (EVALSHA). The promise settles with this call's own reply
 * when exec() (a transaction) or execAsPipeline() returns or throws.
 */
export function queueScript<R>(spec: ScriptSpec, chain: Chain, params: unknown): Promise<R> {
  const target = chain as unknown as MultiObject;
  const known = batches.get(target);
  if (!known && !isChain(target)) {
    throw new TypeError(
      `${spec.name}.queue: the first argument must be a multi() of a node-redis client or cluster, got ${describe(chain)}; to run the script now, call ${spec.name}(client, params)`,
    );
  }
  const cluster = known ? known.cluster : isInstanceNamed(target, 'RedisClusterMultiCommand');
  const tail = tailOf(spec, cluster, params);
  const batch = known ?? batchOf(target, cluster);
  const call = new QueuedCall<R>(spec);
  const waiting: Waiting = { call };
  batch.waiting.push(waiting);
  const [command, first] = batchCommand(spec, batch.sent);
  const args = commandOf(command.toUpperCase(), first, tail);
  // node-redis calls this with the reply of this very command, and never for an error reply.
  const capture = (reply: unknown): Marker => (waiting.marker = new Marker(reply));
  if (cluster) target.addCommand(Number(tail[0]) > 0 ? keysOf(tail)[0] : undefined, spec.readOnly, args, capture);
  else target.addCommand(args, capture);
  return call;
}

/** A new batch for a multi: the multi's own exec methods are wrapped to settle it. */
function batchOf(multi: MultiObject, cluster: boolean): Batch {
  const batch: Batch = { sent: new Set(), waiting: [], cluster };
  batches.set(multi, batch);
  const wrap = (method: 'exec' | 'EXEC' | 'execAsPipeline', transaction: boolean) => {
    const original = multi[method];
    if (typeof original !== 'function') return;
    multi[method] = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const inTransaction = transaction && args[0] !== true;
      try {
        return settle(batch, await original.apply(this, args));
      } catch (e) {
        throw settleFailed(batch, e, inTransaction);
      }
    } as MultiObject['exec'];
  };
  wrap('exec', true);
  wrap('EXEC', true);
  wrap('execAsPipeline', false);
  return batch;
}

/** The rows of a run with no error: every call of the batch has its reply. */
function settle(batch: Batch, rows: unknown): unknown {
  if (!Array.isArray(rows)) return rows;
  unmark(rows);
  for (const w of batch.waiting) settleFromMarker(w);
  return rows;
}

/** Puts each call's raw reply back in the rows the caller gets. */
function unmark(rows: unknown[]): void {
  for (let i = 0; i < rows.length; i++) if (rows[i] instanceof Marker) rows[i] = (rows[i] as Marker).reply;
}

function settleFromMarker(w: Waiting): void {
  if (!w.marker) return;
  try {
    w.call.resolve(decodeReply(w.call.spec, w.marker.reply));
  } catch (e) {
    w.call.reject(e);
  }
}

/**
 * exec() or execAsPipeline() threw. With MultiErrorReply (a transaction that ran, some of its
 * commands failing) every call finds its own row. Otherwise node-redis returned no rows: a
 * transaction that did not run (EXECABORT, WATCH) fails each call with that error; a pipeline
 * that threw its first error hides whether the other calls ran, and says so.
 */
function settleFailed(batch: Batch, error: unknown, inTransaction: boolean): unknown {
  if (isInstanceNamed(error, 'MultiErrorReply')) {
    const failed = error as Error & { replies: unknown[]; errorIndexes: number[] };
    settleByPosition(batch, failed.replies, failed.errorIndexes);
    unmark(failed.replies);
    return error;
  }
  for (const w of batch.waiting) {
    if (inTransaction) w.call.reject(error);
    else w.call.reject(unknownOutcome(w.call.spec, error));
  }
  return error;
}

function unknownOutcome(spec: ScriptSpec, error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  return new Error(
    `${spec.name}: execAsPipeline() threw the first error of the pipeline (${text}) and node-redis returns no other reply then, so whether this call ran is unknown; call ${spec.name}(client, params) directly (node-redis pipelines the calls of one tick) to get each call's own outcome`,
    { cause: error },
  );
}

/**
 * Each call's row in a transaction's replies: the calls that succeeded are found by their
 * markers; a call that failed sits on an error row between its neighbours' rows. When the
 * error rows there outnumber the failed calls (other commands failed too), the error that
 * names this script decides; if that does not either, the call says so rather than guess.
 */
function settleByPosition(batch: Batch, replies: unknown[], errorIndexes: readonly number[]): void {
  const position = new Map<Marker, number>();
  replies.forEach((r, i) => r instanceof Marker && position.set(r, i));
  let from = -1;
  let pending: Waiting[] = [];
  const flush = (to: number) => {
    assignErrors(pending, errorIndexes.filter((i) => i > from && i < to).map((i) => replies[i]));
    pending = [];
  };
  for (const w of batch.waiting) {
    const at = w.marker && position.get(w.marker);
    if (at === undefined) {
      pending.push(w);
      continue;
    }
    flush(at);
    from = at;
    settleFromMarker(w);
  }
  flush(replies.length);
}

/** The failed calls of one stretch, and the error replies of that stretch, in order. */
function assignErrors(calls: Waiting[], errors: unknown[]): void {
  if (!calls.length) return;
  if (calls.length === errors.length) {
    calls.forEach((w, i) => w.call.reject(callerError(w.call.spec, errors[i])));
    return;
  }
  let rest = errors;
  for (const w of calls) {
    const own = rest.filter((e) => namesScript(w.call.spec, e));
    const chosen = own[0];
    if (chosen !== undefined && own.length <= calls.filter((c) => c.call.spec.sha === w.call.spec.sha).length) {
      rest = rest.filter((e) => e !== chosen);
      w.call.reject(callerError(w.call.spec, chosen));
    } else {
      w.call.reject(
        new Error(`${w.call.spec.name}: the call failed in the transaction, but ${errors.length} commands failed around it and none is surely its own; see exec()'s MultiErrorReply`, {
          cause: errors[0],
        }),
      );
    }
  }
}

/** The error came from running this script: Redis names its SHA-1 (or its function). */
function namesScript(spec: ScriptSpec, error: unknown): boolean {
  const text = error instanceof Error ? error.message : '';
  return text.includes(`script: ${spec.fn ? spec.fn.name : spec.sha},`);
}

// ---- loading ----------------------------------------------------------------------------

export interface LoadOptions {
  /** Kept for the same call shape as the ioredis runtime: a node-redis client is connected by its owner. */
  timeoutMs?: number;
}

/**
 * Loads every script with SCRIPT LOAD on every node (the one server, or every master of a
 * Cluster and every replica it reads from), and every function library with FUNCTION LOAD
 * REPLACE on every master. Verifies each digest and library name. The client must be open
 * (`await client.connect()`).
 */
export async function loadScripts(client: Client, specs: readonly ScriptSpec[], _options: LoadOptions = {}): Promise<void> {
  const target = client as unknown as NodeClient | NodeCluster;
  if (target.isOpen === false) throw new Error('loadScripts: the node-redis client is not open; await client.connect() first');
  await loadAllWith(connectionOf(client), specs);
}
