// generated-example/ is rebuilt in memory and must equal the committed output byte for
// byte, with no missing or extra generated file, for each of its configs (EVALSHA and FCALL
// wrappers of the same scripts, for ioredis and for node-redis). UPDATE_GOLDEN=1 rewrites it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProject } from '../src/compile-project.js';
import { findScripts, loadConfig, readGenerated, readRuntimeTemplate, readScripts, writeOutputs } from '../src/io/files.js';
import { updating } from './support/golden.js';

const EXAMPLE = join(import.meta.dirname, '..', 'generated-example');

describe.each([
  ['EVALSHA wrappers (src/generated)', undefined],
  ['FCALL wrappers (src/generated-functions)', 'redis-luagen.functions.json'],
  ['node-redis EVALSHA wrappers (src/generated-node-redis)', 'redis-luagen.node-redis.json'],
  ['node-redis FCALL wrappers (src/generated-node-redis-functions)', 'redis-luagen.node-redis-functions.json'],
])('generated-example, %s', (_kind, configFile) => {
  it('is exactly what the tool generates', async () => {
    const loaded = await loadConfig(EXAMPLE, configFile);
    const paths = await findScripts(loaded);
    expect(paths.length).toBe(20);
    const result = await compileProject({
      config: loaded.config,
      files: await readScripts(EXAMPLE, paths),
      runtimeTemplate: readRuntimeTemplate(loaded.config.client),
    });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.scripts.every((s) => s.status === 'built')).toBe(true);
    const outDir = join(EXAMPLE, loaded.config.outDir);
    const onDisk = await readGenerated(outDir);
    if (updating) await writeOutputs(outDir, result.outputs, onDisk);
    else {
      expect([...onDisk.keys()].sort()).toEqual([...result.outputs.keys()].sort());
      for (const [path, text] of result.outputs) expect(onDisk.get(path), path).toBe(text);
    }
  });

  it('is deterministic: two runs give identical bytes', async () => {
    const loaded = await loadConfig(EXAMPLE, configFile);
    const files = await readScripts(EXAMPLE, await findScripts(loaded));
    const input = { config: loaded.config, files, runtimeTemplate: readRuntimeTemplate(loaded.config.client) };
    const a = await compileProject(input);
    const b = await compileProject({ ...input, files: [...files].reverse() });
    expect([...b.outputs]).toEqual([...a.outputs]);
  });
});
