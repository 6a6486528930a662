import { defineRule } from '../rule.js';
import { isWrite } from '../data/index.js';

export default defineRule({
  name: 'could-be-read-only',
  docs: {
    rationale:
      'A script that never writes can declare #!lua flags=no-writes: the wrapper then calls it with EVALSHA_RO, so it runs on replicas (ioredis scaleReads), during CLIENT PAUSE WRITE and when the server is over maxmemory.',
    wrong: "---@key k\nreturn redis.call('GET', KEYS[1])",
    right: "#!lua flags=no-writes\n---@key k\nreturn redis.call('GET', KEYS[1])",
  },
  messages: {
    readOnly: 'no command in the script writes: it could be flagged no-writes',
  },
  check(ctx) {
    if (ctx.flags?.includes('no-writes')) return;
    for (const call of ctx.calls) {
      if (!call.commands) return;
      if (call.commands.some((c) => !c.info || isWrite(c.info) || c.subcommandProblem)) return;
    }
    const first = ctx.anchor;
    ctx.report({
      ...(first ? { node: first } : { start: 0, end: 0 }),
      messageId: 'readOnly',
      hint: ctx.flags
        ? 'add no-writes to the shebang flags (flags=no-writes,...)'
        : 'add "#!lua flags=no-writes" as line 1. A shebang also makes Redis Cluster enforce that every key is in one slot (keys passed in KEYS already are)',
    });
  },
});
