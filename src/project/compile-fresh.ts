// One script compiled from scratch, as plain data that can cross to another thread: its
// findings, its name, the files it inlined (with the hashes of their bytes) and, unless the run
// generates nothing, its wrapper's text. The same function runs on the main thread and in the
// workers of a big cold build, so both give the same bytes.

import { compile } from '../compile.js';
import { emitWrapper } from '../codegen/emit-wrapper.js';
import { pascalCase } from '../codegen/wrapper-model.js';
import { contractFor, type Config } from '../config/config.js';
import { hashOf } from '../cache/script-cache.js';
import type { ReadSource } from '../compose/compose-script.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export interface FreshJob {
  path: string;
  module: string;
  bytes: Uint8Array | string;
}

export interface FreshScript {
  path: string;
  name: string;
  typeName: string;
  nameSpan: { start: number; end: number };
  includes: Array<[path: string, hash: string]>;
  diagnostics: Diagnostic[];
  /** The script has no error: it gets a wrapper. */
  built: boolean;
  /** The wrapper's text (when built and asked for). */
  wrapper?: string;
  /** false when a missing include may appear later without the script changing: not to be cached. */
  cacheable: boolean;
}

export async function compileFresh(job: FreshJob, config: Config, readSource: ReadSource, emit: boolean): Promise<FreshScript> {
  const result = compile(job.bytes, {
    path: job.path,
    module: job.module,
    minify: config.minify,
    rules: config.rules,
    readSource,
    contract: contractFor(config, job.path),
    rulesFor: (path: string) => contractFor(config, path).rules,
    target: config.target,
  });
  const wrapper = emit && result.model ? await emitWrapper(result.model, config) : undefined;
  return {
    path: job.path,
    name: result.name,
    typeName: result.model?.typeName ?? pascalCase(result.name),
    nameSpan: result.nameSpan,
    includes: result.includes.map((p) => [p, hashOf(readSource(p) ?? '')]),
    diagnostics: result.diagnostics,
    built: result.model !== undefined,
    ...(wrapper !== undefined ? { wrapper } : {}),
    cacheable: !result.diagnostics.some((d) => d.rule === 'bad-include'),
  };
}
