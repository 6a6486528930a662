// slotOf (the runtime's pre-check before a Cluster call) against the real server's
// CLUSTER KEYSLOT, for every key shape: hash tags, empty tags, unmatched braces, a keyPrefix,
// non-ASCII text. Read-only, so it uses the shared cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { slotOf } from '../templates/runtime.js';
import { clusterPorts } from './support/clients.js';
import { rng } from './support/lua-gen.js';

let node: Redis;
beforeAll(() => {
  node = new Redis({ host: '127.0.0.1', port: clusterPorts()[0] });
});
afterAll(async () => {
  await node.quit();
});

const PIECES = ['{', '}', '{}', 'a', 'z', 'user:', '1', 'é', '日本', '😀', ':', ' ', '\u0000', '{{', '}}', 'tag'];

function randomKey(random: () => number): string {
  let key = '';
  const n = Math.floor(random() * 7);
  for (let i = 0; i < n; i++) key += PIECES[Math.floor(random() * PIECES.length)];
  return key;
}

describe('slotOf equals CLUSTER KEYSLOT', () => {
  it.each([['{}{z}1'], ['{}{z}2'], ['{z}1'], ['a{}b{c}'], ['{'], ['}{x}'], ['{{x}}'], ['x{y}z{w}'], [''], ['{user1}:a']])('%j', async (key) => {
    expect(slotOf(key)).toBe(await node.cluster('KEYSLOT', key));
  });

  it('for 3,000 random keys, with and without a keyPrefix', async () => {
    const random = rng(20261130);
    const keys = Array.from({ length: 3000 }, () => randomKey(random));
    const pipe = node.pipeline();
    for (const k of keys) pipe.cluster('KEYSLOT', k);
    for (const k of keys) pipe.cluster('KEYSLOT', `pre{x}:${k}`);
    const rows = (await pipe.exec()) as Array<[Error | null, number]>;
    const mismatches = keys.flatMap((k, i) => {
      const out: string[] = [];
      if (slotOf(k) !== rows[i]![1]) out.push(JSON.stringify(k));
      if (slotOf(k, 'pre{x}:') !== rows[keys.length + i]![1]) out.push(`prefixed ${JSON.stringify(k)}`);
      return out;
    });
    expect(mismatches).toEqual([]);
  });
});
