// The JSON Schema of redis-luagen.config.json, for editors (completion and checks as you
// type). Built from the same lists the validator uses (config keys, rule names, levels), and
// shipped as redis-luagen.schema.json (a test keeps the file equal to this).

import { DEFAULT_TARGET, TARGETS } from '../analyze/data/index.js';
import { RULES } from '../diagnostics/codes.js';

const LEVEL = { enum: ['error', 'warning', 'info', 'off'] };
const GLOBS = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

function rulesSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const info of Object.values(RULES)) {
    if (!info.fixed) properties[info.rule] = { ...LEVEL, description: `${info.code}: ${info.summary}` };
  }
  return { type: 'object', description: 'rule name -> severity (input rules cannot be changed)', properties, additionalProperties: false };
}

const FIELD = {
  anyOf: [
    { type: 'string', description: 'a name (an arg is then a string)' },
    {
      type: 'object',
      properties: { name: { type: 'string' }, type: { type: 'string' }, tagged: { type: 'boolean' }, variadic: { type: 'boolean' }, description: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    },
  ],
};

function contractSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'a contract (or parts of one) for the scripts a glob matches',
    properties: {
      files: GLOBS,
      name: { type: 'string', description: 'the wrapper name' },
      keys: { anyOf: [{ const: 'fromFileName' }, { type: 'array', items: FIELD }] },
      taggedKeys: { type: 'boolean' },
      args: { type: 'array', items: FIELD },
      returns: { type: 'string', description: 'a ---@return type' },
      prelude: GLOBS,
      prefixArgs: { const: 'tagged' },
      assumeTagged: { type: 'boolean' },
      rules: rulesSchema(),
    },
    required: ['files'],
    additionalProperties: false,
  };
}

export function configSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'redis-luagen.config.json',
    type: 'object',
    properties: {
      $schema: { type: 'string' },
      include: { ...GLOBS, description: 'globs of scripts, relative to this file', default: ['**/*.lua'] },
      exclude: { ...GLOBS, description: 'globs to leave out', default: [] },
      rootDir: { type: 'string', description: 'output paths mirror the scripts\' paths relative to this folder', default: '.' },
      outDir: { type: 'string', description: 'where the wrappers, index.ts and the runtime go', default: 'generated' },
      minify: { enum: ['full', 'none'], default: 'full' },
      target: { enum: [...TARGETS], default: DEFAULT_TARGET, description: 'the server the scripts are checked for (its command table)' },
      mode: { enum: ['eval', 'functions'], default: 'eval', description: 'how wrappers call the scripts: EVALSHA, or FCALL on a function library per script' },
      client: { enum: ['ioredis', 'node-redis'], default: 'ioredis', description: 'the Node client the wrappers take: ioredis, or node-redis (the redis package)' },
      rules: rulesSchema(),
      contracts: { type: 'array', items: contractSchema() },
    },
    additionalProperties: false,
  };
}
