import { defineRule } from '../rule.js';

export default defineRule({
  name: 'wrong-arity',
  docs: {
    rationale:
      'Redis checks the argument count of every command and fails the script with "Wrong number of args calling Redis command from script". The arity comes from the command table.',
    wrong: "---@key k\nreturn redis.call('GET', KEYS[1], 'extra')",
    right: "---@key k\nreturn redis.call('GET', KEYS[1])",
  },
  messages: {
    arity: '{command} takes {expected}, this call passes {got}',
  },
  check(ctx) {
    for (const call of ctx.calls) {
      for (const command of call.commands ?? []) {
        if (!command.arity) continue;
        ctx.report({
          node: call.fact.node,
          messageId: 'arity',
          data: { command: command.name.toUpperCase().replace('|', ' '), expected: command.arity.expected, got: command.arity.got },
          hint: 'check the command syntax in the Redis documentation',
        });
      }
    }
  },
});
