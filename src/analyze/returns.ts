// Helpers for the reply rules: the table constructors a returned value may be.

import type * as L from 'luaparse';
import type { ValueSet } from './values/index.js';

/** Table constructors among the values (a returned local holding a constructor included). */
export function constructorsOf(values: ValueSet): L.TableConstructorExpression[] {
  const out: L.TableConstructorExpression[] = [];
  for (const v of values) if (v.kind === 'table' && typeof v.table.origin !== 'string') out.push(v.table.origin);
  return out;
}

/** The single-field tables Redis converts to special replies: {ok=}, {err=}, {double=}... */
export const SPECIAL_FIELDS = new Set(['ok', 'err', 'double', 'big_number', 'map', 'set', 'verbatim_string']);

export function fieldName(f: L.TableKey | L.TableKeyString | L.TableValue): string | undefined {
  if (f.type === 'TableKeyString') return f.key.name;
  if (f.type === 'TableKey' && f.key.type === 'StringLiteral') return f.key.value;
  return undefined;
}

export function isSpecialReply(t: L.TableConstructorExpression): boolean {
  return t.fields.length >= 1 && t.fields.every((f) => SPECIAL_FIELDS.has(fieldName(f) ?? ''));
}
