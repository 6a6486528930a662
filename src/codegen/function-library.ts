// Functions mode: each script becomes the one function of a library of its own, for FUNCTION
// LOAD. Library and function are named after the wrapper and the script's SHA-1, so a changed
// script is a new library (two versions coexist while a deploy rolls) and a call never runs an
// old body. The script's text goes in as it is sent with EVAL, in a function whose parameters
// are KEYS and ARGV, two lines below the top (the runtime maps error lines back by that much).

import type { WrapperModel } from './wrapper-model.js';

export interface FunctionLibrary {
  /** The library's and the function's name. */
  name: string;
  /** The code FUNCTION LOAD takes. */
  library: string;
}

export function functionLibrary(m: Pick<WrapperModel, 'name' | 'sha' | 'lua' | 'flags'>): FunctionLibrary {
  const name = `rlg_${m.name.replace(/[^A-Za-z0-9_]/g, '_')}_${m.sha.slice(0, 12)}`;
  // A #!lua line is Redis' flags for EVAL; here the flags go to register_function. Its line
  // stays, empty, so that line n of the text sent is line n + 2 of the library.
  const body = m.lua.startsWith('#!') ? m.lua.slice(m.lua.indexOf('\n') < 0 ? m.lua.length : m.lua.indexOf('\n')) : m.lua;
  const flags = m.flags.length ? `, flags = { ${m.flags.map((f) => `'${f}'`).join(', ')} }` : '';
  const library = `#!lua name=${name}\nlocal function run(KEYS, ARGV, ...)\n${body}\nend\nredis.register_function{ function_name = '${name}', callback = run${flags} }\n`;
  return { name, library };
}
