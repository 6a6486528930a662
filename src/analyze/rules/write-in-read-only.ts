import { defineRule } from '../rule.js';
import { isWrite } from '../data/index.js';

export default defineRule({
  name: 'write-in-read-only',
  docs: {
    rationale:
      'A script flagged no-writes is called with EVALSHA_RO and may run on a replica. Redis refuses any write in it ("Write commands are not allowed from read-only scripts"), including PUBLISH and PFCOUNT, which may replicate.',
    wrong: "#!lua flags=no-writes\n---@key k\nreturn redis.call('INCR', KEYS[1])",
    right: "#!lua flags=no-writes\n---@key k\nreturn redis.call('GET', KEYS[1])",
  },
  messages: {
    write: '{command} writes, but the script is flagged no-writes',
  },
  check(ctx) {
    if (!ctx.flags?.includes('no-writes')) return;
    for (const call of ctx.calls) {
      for (const command of call.commands ?? []) {
        if (!command.info || !isWrite(command.info) || command.info.flags.includes('noscript')) continue;
        ctx.report({
          node: call.nameNode ?? call.fact.node,
          messageId: 'write',
          data: { command: command.name.toUpperCase().replace('|', ' ') },
          hint: 'remove no-writes from the shebang, or move the write to another script',
        });
      }
    }
  },
});
