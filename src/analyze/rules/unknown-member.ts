import type * as L from 'luaparse';
import { defineRule } from '../rule.js';
import { walk } from '../walk.js';
import { SANDBOX } from '../data/index.js';
import type { Node } from '../../parse/parse-lua.js';

export default defineRule({
  name: 'unknown-member',
  docs: {
    rationale:
      'A member that the Redis libraries do not have (redis.cal, cjson.decod, string.foo) is nil: calling it fails at run time with "attempt to call field". The members come from the live sandbox of the Redis version the data was generated from.',
    wrong: "---@key k\nreturn redis.cal('GET', KEYS[1])",
    right: "---@key k\nreturn redis.call('GET', KEYS[1])",
  },
  messages: {
    member: "'{lib}.{name}' does not exist in Redis {version}{suggestion}",
  },
  check(ctx) {
    // Assigning a member of a library is reported by global-write.
    const targets = new Set<Node>();
    walk(ctx.ast as Node, (node) => {
      if (node.type === 'AssignmentStatement') node.variables.forEach((v) => targets.add(v));
      if (node.type === 'FunctionDeclaration' && node.identifier) targets.add(node.identifier);
    });
    walk(ctx.ast as Node, (node) => {
      if ((node.type !== 'MemberExpression' && node.type !== 'IndexExpression') || targets.has(node)) return;
      const name = node.type === 'MemberExpression' ? node.identifier.name : node.index.type === 'StringLiteral' ? node.index.value : undefined;
      if (name === undefined) return;
      const bases = ctx.facts.valuesOf(node.base as L.Expression).values();
      for (const base of bases) {
        let lib: string | undefined;
        if (base.kind === 'builtin' && SANDBOX.libraries[base.name] && !(node.type === 'MemberExpression' && node.indexer === ':')) lib = base.name;
        else if (node.type === 'MemberExpression' && node.indexer === ':' && (base.kind === 'literal' || base.kind === 'key' || base.kind === 'argv') && bases.every((b) => b.kind === 'literal' || b.kind === 'key' || b.kind === 'argv' || b.kind === 'derived' || b.kind === 'string')) lib = 'string';
        if (!lib) continue;
        const members = SANDBOX.libraries[lib] as Record<string, string>;
        if (Object.prototype.hasOwnProperty.call(members, name)) continue;
        const near = Object.keys(members).find((m) => m.toLowerCase().startsWith(name.toLowerCase().slice(0, 3)));
        ctx.report({
          node,
          messageId: 'member',
          data: { lib, name, version: SANDBOX.redisVersion, suggestion: near ? ` (did you mean ${lib}.${near}?)` : '' },
          hint: `${lib} has: ${Object.keys(members).join(', ')}`,
        });
        return;
      }
    });
  },
});
