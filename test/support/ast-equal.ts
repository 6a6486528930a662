// "The same tree up to local names": a parse tree with positions, raw spellings and the
// names of locals removed (each local becomes the index of its binding, in order of
// declaration), so source and minified text can be compared structurally.
import { parseLua, type Node } from '../../src/parse/parse-lua.js';
import { readShebang } from '../../src/parse/shebang.js';
import { resolveScopes } from '../../src/analyze/scope.js';

export function canonicalTree(text: string): string {
  const sb = readShebang(text);
  const parsed = parseLua(text, sb.kind === 'ok' ? sb.shebang.end : 0);
  if (!parsed.ok) throw new Error(`does not parse: ${parsed.error.message}`);
  const scopes = resolveScopes(parsed.parsed.ast);
  const order = new Map(scopes.bindings.map((b, i) => [b, i]));
  const strip = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(strip);
    if (!n || typeof n !== 'object') return n;
    const node = n as Node & Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'range' || k === 'loc' || k === 'raw' || k === 'isLocal' || k === 'comments' || k === 'globals') continue;
      out[k] = strip(v);
    }
    if (node.type === 'Identifier') {
      const b = scopes.resolve.get(node as never);
      if (b) out.name = `local#${order.get(b)}`;
    }
    return out;
  };
  return JSON.stringify(strip(parsed.parsed.ast));
}
