// An error Redis raises inside included code names the included file and line: the wrapper
// maps the line of the (minified, composed) text it sent back through the includes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { compileProject } from '../src/compile-project.js';
import { readRuntimeTemplate } from '../src/io/files.js';
import { validateConfig } from '../src/config/config.js';
import { runScript, ScriptError, type ScriptSpec } from '../templates/runtime.js';
import { standalone } from './support/clients.js';

let redis: Redis;
beforeAll(() => {
  redis = standalone();
});
afterAll(async () => {
  await redis.quit();
});

const FILES = {
  'commands/addToList-1.lua': `--[[ Adds an item; the helpers come from includes. ]]
local rcall = redis.call
--- @include "includes/checks"
--- @include "includes/push"
return push(KEYS[1], ARGV[1])
`,
  'commands/includes/checks.lua': `-- Shared checks.
local function mustBeList(key)
  local kind = rcall('TYPE', key)['ok']
  if kind ~= 'none' and kind ~= 'list' then
    error('not a list: ' .. key)
  end
end
`,
  'commands/includes/push.lua': `--- @include "checks"

local function push(key, item)
  mustBeList(key)
  return rcall('RPUSH', key, item)
end
`,
};

async function compiled(minify: 'full' | 'none'): Promise<ScriptSpec> {
  const result = await compileProject({
    config: validateConfig('inline', { outDir: 'gen', minify, contracts: [{ files: 'commands/*-*.lua', keys: 'fromFileName', args: ['item'], returns: 'integer' }] }),
    files: Object.entries(FILES).map(([path, bytes]) => ({ path, bytes })),
    runtimeTemplate: readRuntimeTemplate(),
  });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const text = result.outputs.get('commands/addToList-1.ts') as string;
  const literal = /Script: ScriptSpec = (\{[\s\S]*?\n\});/.exec(text)?.[1] as string;
  return new Function(`return (${literal});`)() as ScriptSpec;
}

describe.each(['full', 'none'] as const)('an error inside included code (minify %s)', (minify) => {
  it('runs, and a Lua error names the included file and line', async () => {
    const spec = await compiled(minify);
    const key = `inc:${process.pid}:${Date.now()}:${minify}`;
    expect(await runScript(spec, redis, { key1: key, item: 'a' })).toBe(1);
    await redis.set(`${key}:s`, 'x');
    const e = (await runScript(spec, redis, { key1: `${key}:s`, item: 'a' }).catch((x: unknown) => x)) as ScriptError;
    expect(e).toBeInstanceOf(ScriptError);
    expect([e.file, e.line]).toEqual(['commands/includes/checks.lua', 5]);
    expect(e.message).toBe(`addToList (commands/includes/checks.lua:5): ERR not a list: ${key}:s`);
  });
});
