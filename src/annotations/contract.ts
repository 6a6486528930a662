// ScriptContract: what a script promises its callers, read from its `---` comment block
// (or inferred from KEYS[n]/ARGV[n] when the script has none).

// The type descriptors are the runtime helper's own: the generated specs are checked
// against the same definitions the runtime decodes with.
import type { ArgKind, ReturnKind } from '../../templates/runtime.js';

export type ArgType = ArgKind;
export type ReturnType = ReturnKind;

export interface Span {
  start: number;
  end: number;
}

export interface KeySpec extends Span {
  name: string;
  variadic: boolean;
  /** `{tagged}`: the key must carry a non-empty {hash tag}; checked at run time. */
  tagged: boolean;
  description: string;
}

export interface ArgSpec extends Span {
  name: string;
  type: ArgType;
  variadic: boolean;
  /** `{tagged}`: a key prefix that must carry a hash tag in the slot of the declared keys; checked at run time. */
  tagged: boolean;
  description: string;
}

export interface ReturnSpec extends Span {
  type: ReturnType;
  description: string;
}

export interface ScriptContract {
  /** False when the script has no ---@key/---@arg/---@return: keys and args were inferred. */
  declared: boolean;
  /** The `---@name` override, if any. */
  name?: { value: string } & Span;
  description: string[];
  keys: KeySpec[];
  args: ArgSpec[];
  returns: ReturnSpec;
}

export const ARG_TYPE_NAMES = ['string', 'integer', 'number', 'boolean', 'buffer', 'json'] as const;
export const RETURN_TYPE_NAMES = ['integer', 'string', 'boolean', 'status', 'nil', 'hash', 'json', 'any'] as const;

export function formatArgType(t: ArgType): string {
  return t.kind === 'literal' ? t.values.map((v) => `'${v}'`).join('|') : t.kind;
}

export function formatReturnType(t: ReturnType): string {
  switch (t.kind) {
    case 'optional':
      return `${formatReturnType(t.of)}?`;
    case 'array': {
      const inner = formatReturnType(t.of);
      return t.of.kind === 'optional' ? `(${inner})[]` : `${inner}[]`;
    }
    case 'tuple':
      return `[${t.items.map(formatReturnType).join(', ')}]`;
    default:
      return t.kind;
  }
}
