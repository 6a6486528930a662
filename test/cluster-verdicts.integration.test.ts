// The checker's key verdicts agree with a real Redis Cluster. Every fixture that must trigger
// undeclared-key, derived-key or cross-slot-command is run on each master of a real 3-master
// cluster, with its declared keys owned by that master and every other name (ARGV values,
// untagged keys) chosen on other masters: at least one run must fail with the cluster's
// routing error. Every script the checker accepts is run the same way with {tagged} keys:
// no run may meet a routing error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { compile } from '../src/compile.js';
import { createSourceFile } from '../src/source/source-file.js';
import { parseLua } from '../src/parse/parse-lua.js';
import { readShebang } from '../src/parse/shebang.js';
import { readContract } from '../src/annotations/read-contract.js';
import { collectUsage, inferContract } from '../src/analyze/contract-usage.js';
import { resolveScopes } from '../src/analyze/scope.js';
import type { ScriptContract } from '../src/annotations/contract.js';
import { slotOf } from '../templates/runtime.js';
import { clusterPorts } from './support/clients.js';

const ROOT = join(import.meta.dirname, '..');
const ROUTING_ERROR = /non local key|do not hash to the same slot|denied in Cluster mode|CROSSSLOT|MOVED/;
const MUST_FAIL = ['undeclared-key', 'derived-key', 'cross-slot-command'];

interface RunSpec {
  args?: string[];
  setup?: string[][];
}

function luaFiles(folder: string): string[] {
  const abs = join(ROOT, folder);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? luaFiles(`${folder}/${e.name}`) : e.name.endsWith('.lua') ? [`${folder}/${e.name}`] : [],
  );
}

function contractOf(path: string): ScriptContract {
  const file = createSourceFile(path, readFileSync(join(ROOT, path)));
  const sb = readShebang(file.text);
  const parsed = parseLua(file.text, sb.kind === 'ok' ? sb.shebang.end : 0);
  if (!parsed.ok) throw new Error(`${path} does not parse`);
  const { contract } = readContract(file, parsed.parsed);
  if (!contract.declared) inferContract(contract, collectUsage(parsed.parsed.ast, resolveScopes(parsed.parsed.ast)));
  return contract;
}

const mustFail = MUST_FAIL.flatMap((rule) => luaFiles(`fixtures/rules/${rule}`).filter((f) => f.split('/').pop()!.startsWith('bad-')));
const accepted = [...luaFiles('fixtures/rules'), ...luaFiles('fixtures/ok'), ...luaFiles('generated-example/scripts')]
  .filter((f) => !mustFail.includes(f))
  .filter((f) => !compile(readFileSync(join(ROOT, f)), { path: f }).diagnostics.some((d) => d.severity === 'error'))
  .sort();

describe('cluster verdicts', () => {
  const masters: Array<{ port: number; redis: Redis; owns: (slot: number) => boolean }> = [];
  let runs = 0;

  beforeAll(async () => {
    const probe = new Redis({ port: clusterPorts()[0] });
    const slots = (await probe.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
    await probe.quit();
    for (const [from, to, [, port]] of slots) {
      masters.push({ port, redis: new Redis({ port }), owns: (s) => s >= from && s <= to });
    }
    masters.sort((a, b) => a.port - b.port);
  });

  afterAll(async () => {
    await Promise.all(masters.map((m) => m.redis.quit()));
  });

  /** Names whose slot is owned by master `i`, made from a base. */
  function namesOn(i: number, base: string, count: number, tagged: boolean): string[] {
    const out: string[] = [];
    for (let n = 0; out.length < count && n < 100000; n++) {
      const tag = `${base}${n}`;
      if (!masters[i]!.owns(slotOf(tagged ? `{${tag}}` : tag))) continue;
      if (tagged) {
        for (let k = 1; k <= count; k++) out.push(`{${tag}}:${k}`);
        return out;
      }
      out.push(tag);
    }
    return out;
  }

  async function run(path: string, master: number, tagged: boolean, variant: number): Promise<string | undefined> {
    const contract = contractOf(path);
    const sidecar = join(ROOT, path.replace(/\.lua$/, '.run.json'));
    const spec: RunSpec = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as RunSpec) : {};
    const keyCount = contract.keys.reduce((n, k) => n + (k.variadic ? 2 : 1), 0);
    // Unique names per run: other test files use the same cluster at the same time.
    const base = `${process.pid}-${runs++}-v${variant}`;
    const keys = namesOn(master, `${base}k`, keyCount, tagged);
    const elsewhere = namesOn((master + 1) % masters.length, `${base}a`, 8, false);
    let s = 0;
    // A {tagged} prefix arg carries the keys' hash tag (or, with untagged keys, another one).
    const tag = /\{[^}]+\}/.exec(keys[0] ?? '')?.[0] ?? `{${elsewhere[0]}}`;
    const args =
      spec.args ??
      contract.args.flatMap((a) => {
        const one = () => {
          if (a.tagged) return `queue:${tag}:`;
          switch (a.type.kind) {
            case 'integer':
            case 'boolean':
              return '1';
            case 'number':
              return '1.5';
            case 'json':
              return '{"a":1}';
            case 'literal':
              return a.type.values[0] as string;
            default:
              return elsewhere[s++ % elsewhere.length] as string;
          }
        };
        return a.variadic ? [one(), one()] : [one()];
      });
    const redis = masters[master]!.redis;
    for (const command of spec.setup ?? []) {
      const [name, ...rest] = command.map((part) => part.replace(/\$KEY(\d+)/g, (_all, n: string) => keys[Number(n) - 1] as string));
      await redis.call(name as string, ...rest);
    }
    const text = readFileSync(join(ROOT, path), 'utf8');
    try {
      await redis.call('EVAL', text, keys.length, ...keys, ...args);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  it('covers the fixtures', () => {
    expect(mustFail.length).toBeGreaterThanOrEqual(8);
    expect(accepted.length).toBeGreaterThanOrEqual(30);
  });

  it.each(mustFail)('%s fails in the cluster with a routing error', async (path) => {
    const errors: string[] = [];
    for (let master = 0; master < masters.length; master++) {
      for (const tagged of [false, true]) {
        for (let variant = 0; variant < 3; variant++) {
          const error = await run(path, master, tagged, variant);
          if (error) errors.push(error);
        }
      }
    }
    expect(errors.some((e) => ROUTING_ERROR.test(e)), errors.join('\n') || 'every run succeeded').toBe(true);
  });

  it.each(accepted)('%s runs in the cluster without a routing error', async (path) => {
    for (let master = 0; master < masters.length; master++) {
      for (let variant = 0; variant < 2; variant++) {
        const error = await run(path, master, true, variant);
        if (error) expect(error).not.toMatch(ROUTING_ERROR);
      }
    }
  });
});
