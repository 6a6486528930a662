// Ground truth for precision: classes of errors found in the corpus, each judged by reading the
// package's code, with the reason. An error matches a label by package, code and message.
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

export interface Label {
  /** The package, or '*' for a class judged the same way in every package. */
  package: string;
  code: string;
  /** A part of the message that identifies the class. */
  match: RegExp;
  /** True: the finding is a real problem (on Redis Cluster, or for the wrapper's contract). */
  real: boolean;
  why: string;
}

const CLUSTER = 'on a Cluster it works only while it shares the slot of the keys, which nothing in the contract declares';

export const LABELS: Label[] = [
  // Errors on the scripts as they are (no config).
  {
    package: 'bottleneck',
    code: 'RL202',
    match: /is not defined in the Redis sandbox/,
    real: false,
    why: 'locals of refs.lua and the headers that Bottleneck prepends in JavaScript (lib/Scripts.js): defined at run time; the adopted config declares them as preludes',
  },
  { package: 'bottleneck', code: 'RL101', match: /uses as a key the global '/, real: false, why: 'the same prelude locals (settings_key = KEYS[1]...): KEYS values once the preludes are in' },
  {
    package: '*',
    code: 'RL103',
    match: /the command name is not a literal: an ARGV value/,
    real: false,
    why: "the caller passes LPUSH or RPUSH: the script is right, the tool cannot know it; the adopted config types the arg 'LPUSH'|'RPUSH'",
  },
  {
    package: 'bottleneck',
    code: 'RL103',
    match: /it comes from an argument list/,
    real: false,
    why: "without the preludes settings_key is an undefined global, so {'hmset', settings_key} may have a hole; with them the command is HMSET",
  },
  { package: '@quirrel/owl', code: 'RL002', match: /reserved word/, real: false, why: 'delete.lua would give a wrapper named `delete`; the script is fine; the config names the wrapper' },
  {
    package: '*',
    code: 'RL110',
    match: /uses a key built from KEYS\[\d+\]/,
    real: true,
    why: `a key built from a declared key: ${CLUSTER} (each package tells Cluster users to put a {hash tag} in its prefix); the adopted config declares the keys {tagged}`,
  },
  // Errors with or without the config.
  { package: '*', code: 'RL101', match: /uses as a key (a name built from ARGV|an ARGV value)/, real: true, why: `a key named in ARGV or built from a prefix in ARGV: Redis does not see it, and ${CLUSTER}` },
  {
    package: '*',
    code: 'RL101',
    match: /uses as a key (a field of a value the analysis does not follow|a name built at run time|the reply of|a name built from the reply of)/,
    real: true,
    why: `a key name read from data (a job hash, msgpack args, SCAN, ZRANGE, a legacy name like 'b_' .. id .. '_running'): undeclared, and ${CLUSTER}`,
  },
  { package: '@quirrel/owl', code: 'RL101', match: /uses as a key the literal/, real: true, why: "fixed key names ('queue', 'processing'...) not passed in KEYS: on a Cluster they live on the node that owns their slot" },
];

export function labelOf(pkg: string, d: Diagnostic): Label | undefined {
  return LABELS.find((l) => (l.package === pkg || l.package === '*') && l.code === d.code && l.match.test(d.message));
}
