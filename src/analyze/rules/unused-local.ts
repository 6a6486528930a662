import { defineRule } from '../rule.js';

export default defineRule({
  name: 'unused-local',
  docs: {
    rationale: 'A local that is never read is dead code, or a typo where another name was meant.',
    wrong: "---@key k\nlocal old = redis.call('GET', KEYS[1])\nreturn redis.call('INCR', KEYS[1])",
    right: "---@key k\nreturn redis.call('INCR', KEYS[1])",
  },
  messages: {
    unused: "the local '{name}' is never read",
  },
  check(ctx) {
    for (const b of ctx.scopes.bindings) {
      if ((b.kind !== 'local' && b.kind !== 'function') || !b.decl || b.reads.length || b.name.startsWith('_')) continue;
      if (ctx.included(b.decl)) continue; // a library's helpers serve other scripts too
      ctx.report({
        node: b.decl,
        messageId: 'unused',
        data: { name: b.name },
        hint: b.kind === 'function' ? 'remove the function' : "remove it, keep only the call (e.g. redis.call(...)), or name it '_'",
      });
    }
  },
});
