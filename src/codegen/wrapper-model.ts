// WrapperModel: everything codegen needs about one script, built from the contract and the
// compiled text. Codegen never sees the Lua AST.

import type { ArgType, ReturnType, ScriptContract } from '../annotations/contract.js';
import type { ScriptFlag } from '../parse/shebang.js';
import type { MinifiedLua } from '../minify/minify-lua.js';

export interface WrapperField {
  name: string;
  variadic: boolean;
  description: string;
}

export interface WrapperKey extends WrapperField {
  tagged: boolean;
}

export interface WrapperArg extends WrapperField {
  type: ArgType;
  tagged: boolean;
}

export interface WrapperModel {
  /** camelCase function name. */
  name: string;
  /** PascalCase prefix of the generated types. */
  typeName: string;
  /** The .lua file, relative to the project root, with / separators. */
  source: string;
  /** Output module path relative to the output folder, with / separators, ending in .ts. */
  module: string;
  description: string[];
  keys: WrapperKey[];
  args: WrapperArg[];
  returns: { type: ReturnType; description: string };
  /** The exact text sent to Redis and its SHA-1. */
  lua: string;
  sha: string;
  readOnly: boolean;
  flags: string[];
  /** lineMap[n - 1] = source line of output line n; undefined when the text is the source as is. */
  lineMap?: number[];
  /** With includes: lineFiles[n - 1] is the index in `files` of the file of output line n (files[0] is the script). */
  lineFiles?: number[];
  files?: string[];
  /** Renamed locals: [output name, source name, first and last output line]. */
  localNames?: Array<[string, string, number, number]>;
}

export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export interface ModelInput {
  name: string;
  /** The .lua file and the output module, relative paths with / separators. */
  source: string;
  module: string;
  contract: ScriptContract;
  flags: readonly ScriptFlag[] | undefined;
  /** The text sent and its SHA-1. */
  lua: string;
  sha: string;
  /** The text sent's line map (and renamed locals): from the minifier, or through includes. */
  minified?: MinifiedLua;
  lineFiles?: number[];
  files?: string[];
}

export function buildModel(m: ModelInput): WrapperModel {
  const { contract } = m;
  return {
    name: m.name,
    typeName: pascalCase(m.name),
    source: m.source,
    module: m.module,
    description: contract.description,
    keys: contract.keys.map((k) => ({ name: k.name, variadic: k.variadic, tagged: k.tagged, description: k.description })),
    args: contract.args.map((a) => ({ name: a.name, variadic: a.variadic, type: a.type, tagged: a.tagged, description: a.description })),
    returns: { type: contract.returns.type, description: contract.returns.description },
    lua: m.lua,
    sha: m.sha,
    ...(m.minified ? { lineMap: m.minified.lineMap } : {}),
    ...(m.minified?.localNames.length ? { localNames: m.minified.localNames } : {}),
    ...(m.lineFiles && m.files ? { lineFiles: m.lineFiles, files: m.files } : {}),
    readOnly: m.flags?.includes('no-writes') ?? false,
    flags: [...(m.flags ?? [])],
  };
}
