// emitWrapper / emitIndex: WrapperModel -> TypeScript module text: each module's ts-morph
// structure is built whole and printed once (no project, no parse), then
// formatted by prettier (fixed options, so output is byte-identical on every machine).

import { printStructure, StructureKind, VariableDeclarationKind, type StatementStructures } from 'ts-morph';
import * as prettier from 'prettier';
import type { ArgType, ReturnType } from '../annotations/contract.js';
import { formatArgType, formatReturnType } from '../annotations/contract.js';
import type { WrapperModel } from './wrapper-model.js';
import type { ScriptSpec } from '../../templates/runtime.js';
import { CLIENTS, GENERATED_MARKER, INDEX_MODULE, RUNTIME_MODULE, type CallMode, type CallStyle } from './names.js';
import { functionLibrary } from './function-library.js';

const PRETTIER: prettier.Options = {
  parser: 'babel-ts',
  singleQuote: true,
  printWidth: 100,
  trailingComma: 'all',
  endOfLine: 'lf',
};

export function format(text: string): Promise<string> {
  return prettier.format(text, PRETTIER);
}

function tsArgType(t: ArgType): string {
  switch (t.kind) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'buffer':
      return 'Buffer | string';
    case 'json':
      return 'unknown';
    case 'literal':
      return t.values.map((v) => JSON.stringify(v)).join(' | ');
  }
}

function tsReturnType(t: ReturnType): string {
  switch (t.kind) {
    case 'integer':
      return 'number';
    case 'string':
    case 'status':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'nil':
      return 'null';
    case 'hash':
      return 'Record<string, string>';
    case 'json':
    case 'any':
      return 'unknown';
    case 'optional': {
      const inner = tsReturnType(t.of);
      return inner === 'unknown' || inner === 'null' ? inner : `${inner} | null`;
    }
    case 'array': {
      const inner = tsReturnType(t.of);
      return /[|&]/.test(inner) ? `Array<${inner}>` : `${inner}[]`;
    }
    case 'tuple':
      return `[${t.items.map(tsReturnType).join(', ')}]`;
  }
}

/** Text safe inside a /** *\/ comment: no `*\/` to end it, no `/*` to confuse ts-morph, one line per line. */
function doc(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\/\*/g, '/\\*').replace(/\r\n?|[\u2028\u2029]/g, '\n');
}

function relativeImport(fromModule: string, toModule: string): string {
  const from = fromModule.split('/').slice(0, -1);
  const to = toModule.split('/');
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.slice(i).map(() => '..');
  const path = [...up, ...to.slice(i)].join('/').replace(/\.ts$/, '.js');
  return up.length ? path : `./${path}`;
}

/** The runtime's ScriptSpec for a model: the one object the generated literal spells out. */
/** How the wrapper's doc says it runs the script. */
function callWords(m: WrapperModel, mode: CallMode): string {
  if (mode === 'functions') {
    const fcall = m.readOnly ? 'FCALL_RO (read-only: may run on a replica)' : 'FCALL';
    return `as the function ${functionLibrary(m).name} with ${fcall}; when the function is missing it loads its library with FUNCTION LOAD and calls again`;
  }
  return `with ${m.readOnly ? 'EVALSHA_RO (read-only: may run on a replica)' : 'EVALSHA'}; on NOSCRIPT it loads the script with SCRIPT LOAD and calls again`;
}

export function scriptSpecOf(m: WrapperModel, mode: CallMode = 'eval'): ScriptSpec {
  return {
    name: m.name,
    source: m.source,
    sha: m.sha,
    readOnly: m.readOnly,
    keys: m.keys.map((k) => ({ name: k.name, ...(k.variadic ? { variadic: true } : {}), ...(k.tagged ? { tagged: true } : {}) })),
    args: m.args.map((a) => ({
      name: a.name,
      type: a.type.kind === 'literal' ? { kind: 'literal', values: a.type.values } : { kind: a.type.kind },
      ...(a.variadic ? { variadic: true } : {}),
      ...(a.tagged ? { tagged: true } : {}),
    })),
    returns: m.returns.type,
    ...(m.lineMap ? { lineMap: m.lineMap } : {}),
    ...(m.localNames ? { localNames: m.localNames } : {}),
    ...(m.lineFiles && m.files ? { lineFiles: m.lineFiles, files: m.files } : {}),
    lua: m.lua,
    ...(mode === 'functions' ? { fn: functionLibrary(m) } : {}),
  };
}

/** TypeScript source for a JSON-like value: identifier keys unquoted, in insertion order. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(v)}`);
    return fields.length ? `{ ${fields.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

function fieldDoc(table: 'KEYS' | 'ARGV', position: number, variadic: boolean, type: string | undefined, text: string): string {
  const where = variadic ? `${table}[${position}..]` : `${table}[${position}]`;
  return doc(`${where}${type ? ` (${type}${variadic ? ' each' : ''})` : ''}${text ? `: ${text}` : ''}`);
}

/**
 * Statements printed with ts-morph's printStructure, one group after another with a blank
 * line between groups and none inside one (prettier keeps exactly those blank lines).
 */
function printGroups(groups: ReadonlyArray<ReadonlyArray<StatementStructures | string>>): string {
  return groups.map((g) => g.map((s) => (typeof s === 'string' ? s : printStructure(s).trimEnd())).join('\n')).join('\n\n') + '\n';
}

/** The wrapper module's statements, as ts-morph structures printed once. */
function wrapperGroups(m: WrapperModel, style: CallStyle): Array<Array<StatementStructures | string>> {
  const { mode } = style;
  const client = CLIENTS[style.client];
  const paramsName = `${m.typeName}Params`;
  const resultName = `${m.typeName}Result`;
  const specName = `${m.name}Script`;
  const summary = m.description.length ? m.description.map(doc).join('\n') : doc(`Runs ${m.source}.`);
  const call = callWords(m, mode);
  const chainFromRuntime = client.chain.module === undefined ? [{ name: client.chain.name, isTypeOnly: true }] : [];
  const imports: StatementStructures[] = [
    ...(client.chain.module === undefined ? [] : [{ kind: StructureKind.ImportDeclaration as const, moduleSpecifier: client.chain.module, namedImports: [client.chain.name], isTypeOnly: true }]),
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: relativeImport(m.module, RUNTIME_MODULE),
      namedImports: ['queueScript', 'runScript', ...chainFromRuntime, { name: 'Client', isTypeOnly: true }, { name: 'ScriptSpec', isTypeOnly: true }],
    },
  ];
  const declarations: StatementStructures[] = [
    {
      kind: StructureKind.Interface,
      name: paramsName,
      isExported: true,
      docs: [`Keys and args of {@link ${m.name}}, by their annotated names.`],
      properties: [
        ...m.keys.map((k, i) => ({
          name: k.name,
          type: k.variadic ? 'readonly string[]' : 'string',
          docs: [fieldDoc('KEYS', i + 1, k.variadic, k.tagged ? 'must carry a {hash tag}' : undefined, k.description)],
        })),
        ...m.args.map((a, i) => {
          const t = tsArgType(a.type);
          return {
            name: a.name,
            type: a.variadic ? `ReadonlyArray<${t}>` : t,
            docs: [fieldDoc('ARGV', i + 1, a.variadic, a.tagged ? 'a key prefix that must carry a {hash tag}' : formatArgType(a.type), a.description)],
          };
        }),
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      name: resultName,
      isExported: true,
      type: tsReturnType(m.returns.type),
      docs: [doc(`Reply of {@link ${m.name}} (\`${formatReturnType(m.returns.type)}\`)${m.returns.description ? `: ${m.returns.description}` : '.'}`)],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [doc(`The compiled ${m.source}: the exact text sent, its SHA-1 and its contract.`)],
      declarations: [{ name: specName, type: 'ScriptSpec', initializer: literal(scriptSpecOf(m, mode)) }],
    },
    {
      kind: StructureKind.Function,
      name: m.name,
      isExported: true,
      parameters: [
        { name: 'redis', type: 'Client' },
        { name: 'params', type: paramsName },
      ],
      returnType: `Promise<${resultName}>`,
      docs: [
        {
          description: `${summary}\n\nRuns \`${doc(m.source)}\` ${call}.`,
          tags: [
            { tagName: 'param', text: `redis - ${client.clientWords}` },
            { tagName: 'param', text: 'params - the keys and args by name' },
            ...(m.returns.description ? [{ tagName: 'returns', text: doc(m.returns.description) }] : []),
            { tagName: 'throws', text: 'TypeError before sending when a param is missing or has the wrong type; ScriptError when the script fails' },
          ],
        },
      ],
      statements: [`return runScript<${resultName}>(${specName}, redis, params);`],
    },
  ];
  const fn = declarations.pop() as StatementStructures;
  return [
    imports,
    ...declarations.map((d) => [d]),
    // The function and the properties set on it, with no blank line between them.
    [
      fn,
      `/** Queues {@link ${m.name}} on ${client.chainWords} (its first call in the batch carries the script text, later ones its SHA-1); the promise settles with this call's own reply when exec() runs. */`,
      `${m.name}.queue = (chain: ${client.chain.name}, params: ${paramsName}): Promise<${resultName}> => queueScript<${resultName}>(${specName}, chain, params);`,
      `/** The compiled script: text, sha and contract. */`,
      `${m.name}.script = ${specName};`,
    ],
  ];
}

/** The wrapper module as ts-morph prints it, before formatting. */
const DEFAULT_STYLE: CallStyle = { mode: 'eval', client: 'ioredis' };

export function wrapperSource(m: WrapperModel, style: CallStyle = DEFAULT_STYLE): string {
  return `${GENERATED_MARKER} from ${m.source}. DO NOT EDIT.\n\n${printGroups(wrapperGroups(m, style))}`;
}

export function emitWrapper(m: WrapperModel, style: CallStyle = DEFAULT_STYLE): Promise<string> {
  return format(wrapperSource(m, style));
}

/** The index module: imports and re-exports of every wrapper, allScripts and loadAllScripts. */
function indexGroups(models: readonly WrapperModel[], style: CallStyle): StatementStructures[][] {
  const client = CLIENTS[style.client];
  const runtime = relativeImport(INDEX_MODULE, RUNTIME_MODULE);
  const sorted = [...models].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  const imports: StatementStructures[] = [
    ...sorted.map((m) => ({ kind: StructureKind.ImportDeclaration as const, moduleSpecifier: relativeImport(INDEX_MODULE, m.module), namedImports: [`${m.name}Script`] })),
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: runtime,
      namedImports: ['loadScripts', { name: 'Client', isTypeOnly: true }, { name: 'LoadOptions', isTypeOnly: true }, { name: 'ScriptSpec', isTypeOnly: true }],
    },
  ];
  const exports: StatementStructures[] = [
    ...sorted.flatMap((m) => [
      { kind: StructureKind.ExportDeclaration as const, moduleSpecifier: relativeImport(INDEX_MODULE, m.module), namedExports: [m.name, `${m.name}Script`] },
      { kind: StructureKind.ExportDeclaration as const, moduleSpecifier: relativeImport(INDEX_MODULE, m.module), isTypeOnly: true, namedExports: [`${m.typeName}Params`, `${m.typeName}Result`] },
    ]),
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: runtime, namedExports: ['CrossSlotError', 'ScriptError', 'loadScripts'] },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: runtime, isTypeOnly: true, namedExports: [...(client.chain.module ? [] : [client.chain.name]), 'Client', 'LoadOptions', 'ScriptSpec'] },
  ];
  const declarations: StatementStructures[] = [
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every script of this project.'],
      declarations: [{ name: 'allScripts', type: 'readonly ScriptSpec[]', initializer: `[${sorted.map((m) => `${m.name}Script`).join(', ')}]` }],
    },
    {
      kind: StructureKind.Function,
      name: 'loadAllScripts',
      isExported: true,
      parameters: [
        { name: 'redis', type: 'Client' },
        { name: 'options', type: 'LoadOptions', hasQuestionToken: true },
      ],
      returnType: 'Promise<void>',
      docs: [`${LOAD_WORDS[style.mode]}${client.loadWords}`],
      statements: ['return loadScripts(redis, allScripts, options);'],
    },
  ];
  return [imports, exports, ...declarations.map((d) => [d])];
}

/** What loadAllScripts loads, per call mode. */
const LOAD_WORDS: Record<CallMode, string> = {
  eval: 'Loads every script with SCRIPT LOAD on every node (each master and replica of a Cluster)',
  functions: "Loads every script's function library with FUNCTION LOAD REPLACE on every master (replicas get it by replication)",
};

export function emitIndex(models: ReadonlyArray<Pick<WrapperModel, 'name' | 'typeName' | 'module'>>, style: CallStyle = DEFAULT_STYLE): Promise<string> {
  return format(`${GENERATED_MARKER}. DO NOT EDIT.\n\n${printGroups(indexGroups(models as WrapperModel[], style))}`);
}
