// `redis-luagen init`: a config (with its JSON Schema, for editors) and a first annotated
// script, in the working directory. Refuses to overwrite anything.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const INIT_CONFIG = `${JSON.stringify(
  {
    $schema: './node_modules/redis-luagen/redis-luagen.schema.json',
    include: ['scripts/**/*.lua'],
    rootDir: 'scripts',
    outDir: 'src/generated',
  },
  null,
  2,
)}\n`;

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

const FILES: ReadonlyArray<[string, string]> = [
  ['redis-luagen.config.json', INIT_CONFIG],
  ['scripts/rate-limit.lua', INIT_SCRIPT],
];

/** Writes the files, or returns the name of the first that exists already (nothing written). */
export async function init(cwd: string): Promise<{ written: string[] } | { exists: string }> {
  const taken = FILES.find(([path]) => existsSync(join(cwd, path)));
  if (taken) return { exists: taken[0] };
  for (const [path, text] of FILES) {
    await mkdir(dirname(join(cwd, path)), { recursive: true });
    await writeFile(join(cwd, path), text, { flag: 'wx' });
  }
  return { written: FILES.map(([path]) => path) };
}
