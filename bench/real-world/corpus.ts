// The real-world corpus: npm packages that ship Redis Lua, pinned, each with where its scripts
// live and the config that adopts it without editing a script (its conventions declared).
// Nothing of theirs is committed: bench/real-world.ts downloads them at run time.

export interface Package {
  name: string;
  version: string;
  /** Folder of the scripts inside the package. */
  root: string;
  /** Globs of the scripts (and includes), relative to `root`. */
  include: string[];
  /** Config entries that declare the package's conventions (the "adopted" run). */
  contracts: Array<Record<string, unknown>>;
  /** Why the adopted config says what it says. */
  notes: string[];
}

const PUSH = "'LPUSH'|'RPUSH'";

/** Bottleneck composes each script as refs + headers (+ refresh_expiration) + code, in JavaScript (lib/Scripts.js). */
const BOTTLENECK: Record<string, { headers: string[]; refresh: boolean }> = {
  init: { headers: ['process_tick'], refresh: true },
  group_check: { headers: [], refresh: false },
  register_client: { headers: ['validate_keys'], refresh: false },
  blacklist_client: { headers: ['validate_keys', 'validate_client'], refresh: false },
  heartbeat: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: false },
  update_settings: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: true },
  running: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: false },
  queued: { headers: ['validate_keys', 'validate_client'], refresh: false },
  done: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: false },
  check: { headers: ['validate_keys', 'validate_client', 'process_tick', 'conditions_check'], refresh: false },
  submit: { headers: ['validate_keys', 'validate_client', 'process_tick', 'conditions_check'], refresh: true },
  register: { headers: ['validate_keys', 'validate_client', 'process_tick', 'conditions_check'], refresh: true },
  free: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: true },
  current_reservoir: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: false },
  increment_reservoir: { headers: ['validate_keys', 'validate_client', 'process_tick'], refresh: true },
};

const QUEUE_CONVENTIONS = { keys: 'fromFileName', taggedKeys: true, prefixArgs: 'tagged', assumeTagged: true };
const QUEUE_NOTES = [
  'keys: the count is in the file name (addJob-9.lua takes 9 keys); on a Cluster every key carries the queue prefix\'s hash tag ({bull}), so they are {tagged}',
  'prefixArgs: the ARGV a script builds job keys from is the queue prefix: a {tagged} prefix the wrapper checks at run time',
  'assumeTagged: names read from job data (a parent\'s key stored in the job hash) or from msgpack-packed args also start with a tagged prefix: the project guarantees it, so they are RL112 warnings, not errors',
  "pushCmd: the caller picks LPUSH or RPUSH; typed as 'LPUSH'|'RPUSH', the wrapper allows only those",
];

export const CORPUS: Package[] = [
  {
    name: 'bullmq',
    version: '6.7.0',
    root: 'dist/esm/commands',
    include: ['*.lua', 'includes/*.lua'],
    contracts: [
      { files: '*-*.lua', ...QUEUE_CONVENTIONS },
      { files: 'retryJob-11.lua', args: ['prefix', 'timestamp', { name: 'pushCmd', type: PUSH }, 'jobId', 'token', 'fields'] },
      { files: 'reprocessJob-9.lua', args: ['jobId', { name: 'pushCmd', type: PUSH }, 'propVal', 'prevState', 'resetAttemptsMade', 'resetAttemptsStarted'] },
      // A parent job's hash holds both `parent` and `parentKey`, or neither: the "" these helpers
      // may see when only one is set cannot happen with BullMQ's own writes.
      { files: ['includes/moveParentToWait.lua', 'includes/moveParentToWaitIfNeeded.lua'], rules: { 'undeclared-key': 'warning' } },
    ],
    notes: [...QUEUE_NOTES, 'moveParentToWait: the literal "" reaches a key only when a job hash has `parent` without `parentKey`, which BullMQ never writes (rule set to warning for those two files)'],
  },
  {
    name: 'bull',
    version: '4.16.5',
    root: 'lib/commands',
    include: ['*.lua', 'includes/*.lua'],
    contracts: [
      { files: '*-*.lua', ...QUEUE_CONVENTIONS },
      {
        files: 'addJob-6.lua',
        args: ['prefix', 'customId', 'name', 'data', 'opts', 'timestamp', 'delay', 'delayedTimestamp', 'priority', { name: 'pushCmd', type: PUSH }, 'token', 'debounceKey', 'debounceId', 'debounceTtl'],
      },
      { files: 'reprocessJob-6.lua', args: ['jobId', { name: 'pushCmd', type: PUSH }, 'token', 'timestamp'] },
      { files: 'retryJob-7.lua', args: [{ name: 'pushCmd', type: PUSH }, 'jobId', 'token'] },
    ],
    notes: QUEUE_NOTES,
  },
  {
    name: 'bottleneck',
    version: '2.19.5',
    root: 'src/redis',
    include: ['*.lua'],
    contracts: Object.entries(BOTTLENECK).map(([script, { headers, refresh }]) => ({
      files: `${script}.lua`,
      prelude: ['refs.lua', ...headers.map((h) => `${h}.lua`), ...(refresh ? ['refresh_expiration.lua'] : [])],
      taggedKeys: true,
    })),
    notes: ['prelude: Bottleneck prepends refs.lua and the headers each script names (lib/Scripts.js); its keys share the limiter id\'s hash tag on a Cluster'],
  },
  {
    name: 'groupmq',
    version: '1.1.0',
    root: 'dist/lua',
    include: ['*.lua'],
    contracts: [{ files: '*.lua', taggedKeys: true }],
    notes: ['taggedKeys: every key is built from the namespace passed as KEYS[1], which carries a hash tag on a Cluster'],
  },
  { name: 'bee-queue', version: '2.0.0', root: 'lib/lua', include: ['*.lua'], contracts: [], notes: ['no convention needed'] },
  { name: 'node-resque', version: '9.7.1', root: 'lua', include: ['*.lua'], contracts: [], notes: ['no convention needed'] },
  { name: 'limitd', version: '4.22.1', root: 'lib/db/redis', include: ['*.lua'], contracts: [], notes: ['no convention needed'] },
  {
    name: 'redis-smq',
    version: '8.3.1',
    root: 'dist/esm/src/common/redis-client/scripts/lua',
    include: ['*.lua'],
    contracts: [],
    notes: ['no convention needed'],
  },
  {
    name: '@quirrel/owl',
    version: '0.15.0',
    root: 'dist',
    include: ['**/*.lua'],
    contracts: [{ files: 'producer/delete.lua', name: 'deleteJob' }],
    notes: ["name: delete.lua would be named `delete`, a reserved word; the literal key names ('queue', 'processing'...) are real Cluster problems no config should hide"],
  },
];
