// Runtime specs compiled from Lua text in the test itself, through the same compile() and
// scriptSpecOf() that write the generated wrappers.
import { compile } from '../../src/compile.js';
import { scriptSpecOf } from '../../src/codegen/emit-wrapper.js';
import type { ScriptSpec } from '../../templates/runtime.js';
import type { CallMode } from '../../src/codegen/names.js';

export function specFromLua(path: string, text: string, mode: CallMode = 'eval'): ScriptSpec {
  const result = compile(text, { path });
  if (!result.model) {
    throw new Error(`${path} does not compile: ${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('; ')}`);
  }
  return scriptSpecOf(result.model, mode);
}

/** Records one call: adds 1 to the call's field of a log hash and returns the new count. */
export const LEDGER = specFromLua(
  'scripts/ledger.lua',
  `--- Records a call exactly once per run: the field counts how often the script ran for it.
---@key log            hash: call id -> times run
---@arg id string       the call id
---@return integer      how often this id has run, this run included
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
`,
);

/** Counts its variadic args. */
export const COUNT_ARGS = specFromLua(
  'scripts/count-args.lua',
  `---@key counter
---@arg ...items string
---@return integer
redis.call('INCR', KEYS[1])
return #ARGV
`,
);

/** A second script, so batches hold more than one distinct text. */
export const ECHO = specFromLua(
  'scripts/echo.lua',
  `---@key k
---@arg v string
---@return string
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`,
);
