import type * as L from 'luaparse';
import { defineRule } from '../rule.js';
import { walk } from '../walk.js';
import type { Node } from '../../parse/parse-lua.js';

/** The global identifier at the root of a.b.c / a[b], if the root is a global. */
function rootGlobal(e: L.Expression, isGlobal: (id: L.Identifier) => boolean): L.Identifier | undefined {
  let cur: L.Expression = e;
  while (cur.type === 'MemberExpression' || cur.type === 'IndexExpression') cur = cur.base;
  return cur.type === 'Identifier' && isGlobal(cur) ? cur : undefined;
}

export default defineRule({
  name: 'global-write',
  docs: {
    rationale:
      'Redis scripts run with a read-only _G: assigning a global (x = 1, function f() end) or a member of a library table (string.foo = 1, redis.call = f) fails with "Attempt to modify a readonly table". Only KEYS and ARGV are writable.',
    wrong: "---@key k\ncount = redis.call('INCR', KEYS[1])\nreturn count",
    right: "---@key k\nlocal count = redis.call('INCR', KEYS[1])\nreturn count",
  },
  messages: {
    global: "assigns the global '{name}': Redis scripts cannot create or change globals",
    function: "declares the global function '{name}': Redis scripts cannot create globals",
    member: "changes the read-only table '{name}'",
    raw: '{call} on the read-only table {name}',
  },
  check(ctx) {
    const isGlobal = (id: L.Identifier) => !ctx.scopes.resolve.has(id);
    const functionNames = new Set<L.Identifier>();
    walk(ctx.ast as Node, (node) => {
      if (node.type === 'FunctionDeclaration' && !node.isLocal && node.identifier?.type === 'Identifier') functionNames.add(node.identifier);
    });
    for (const g of ctx.scopes.globals) {
      if (!g.write) continue;
      const isFunction = functionNames.has(g.node);
      ctx.report({
        node: g.node,
        messageId: isFunction ? 'function' : 'global',
        data: { name: g.node.name },
        hint: isFunction ? `write local function ${g.node.name}(...)` : `declare it with local: local ${g.node.name} = ...`,
      });
    }
    walk(ctx.ast as Node, (node) => {
      const targets: L.Expression[] =
        node.type === 'AssignmentStatement' ? node.variables : node.type === 'FunctionDeclaration' && node.identifier && node.identifier.type === 'MemberExpression' ? [node.identifier] : [];
      for (const t of targets) {
        if (t.type === 'Identifier') continue;
        const root = rootGlobal(t, isGlobal);
        if (!root || root.name === 'KEYS' || root.name === 'ARGV') continue;
        ctx.report({ node: t, messageId: 'member', data: { name: root.name }, hint: 'keep your own values in a local table: local M = {}' });
      }
    });
    for (const c of ctx.facts.builtinCalls) {
      if (c.callee !== 'rawset' && c.callee !== 'setmetatable') continue;
      const target = c.args.fixed[0]?.values() ?? [];
      const lib = target.find((v) => v.kind === 'builtin');
      if (!lib || lib.kind !== 'builtin') continue;
      ctx.report({ node: c.node, messageId: 'raw', data: { call: c.callee, name: lib.name }, hint: 'use a local table instead' });
    }
  },
});
