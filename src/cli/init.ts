// `redis-luagen init`: a config (with its JSON Schema, for editors) and a first annotated
// script, in the working directory. Refuses to overwrite anything. The config names the client
// given (--client), else node-redis when the app depends on `redis` and not on `ioredis`.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ClientKind } from '../codegen/names.js';

export function initConfig(client: ClientKind = 'ioredis'): string {
  const config = {
    $schema: './node_modules/redis-luagen/redis-luagen.schema.json',
    include: ['scripts/**/*.lua'],
    rootDir: 'scripts',
    outDir: 'src/generated',
    ...(client === 'ioredis' ? {} : { client }),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** node-redis when the app in `cwd` depends on `redis` and not on `ioredis`; else ioredis, the default. */
export function detectClient(cwd: string): ClientKind {
  let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    return 'ioredis';
  }
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  return 'redis' in deps && !('ioredis' in deps) ? 'node-redis' : 'ioredis';
}

export const INIT_SCRIPT = `--- Counts one request of a client and says whether it is within the limit.
---@key counter the client's counter for the current window
---@arg limit integer requests allowed per window
---@arg windowSeconds integer length of the window
---@return integer 1 when the request is allowed, 0 when it is over the limit
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
if count > tonumber(ARGV[1]) then
  return 0
end
return 1
`;

/** Writes the files, or returns the name of the first that exists already (nothing written). */
export async function init(cwd: string, client: ClientKind = detectClient(cwd)): Promise<{ written: string[]; client: ClientKind } | { exists: string }> {
  const FILES: ReadonlyArray<[string, string]> = [
    ['redis-luagen.config.json', initConfig(client)],
    ['scripts/rate-limit.lua', INIT_SCRIPT],
  ];
  const taken = FILES.find(([path]) => existsSync(join(cwd, path)));
  if (taken) return { exists: taken[0] };
  for (const [path, text] of FILES) {
    await mkdir(dirname(join(cwd, path)), { recursive: true });
    await writeFile(join(cwd, path), text, { flag: 'wx' });
  }
  return { written: FILES.map(([path]) => path), client };
}
