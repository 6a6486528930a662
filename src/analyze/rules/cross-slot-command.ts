import { defineRule } from '../rule.js';

export default defineRule({
  name: 'cross-slot-command',
  docs: {
    rationale:
      'SORT ... BY pattern and GET pattern read keys built from the sorted values, which are not in KEYS. Redis Cluster refuses them ("BY option of SORT denied in Cluster mode"), even with a hash tag in the pattern. BY nosort is fine.',
    wrong: "---@key ids\nreturn redis.call('SORT', KEYS[1], 'BY', 'weight_*')",
    right: "---@key ids\nreturn redis.call('SORT', KEYS[1], 'BY', 'nosort')",
  },
  messages: {
    pattern: 'SORT with {option} reads keys that are not in KEYS',
  },
  check(ctx) {
    for (const call of ctx.calls) {
      for (const command of call.commands ?? []) {
        if (!command.sortPattern || ctx.dead(call.fact.node)) continue;
        ctx.report({
          node: command.sortPattern.node ?? call.fact.node,
          messageId: 'pattern',
          data: { option: command.sortPattern.option },
          hint: 'sort without BY/GET patterns (BY nosort, or ALPHA) and read the related keys through KEYS, or sort in Lua with table.sort',
        });
      }
    }
  },
});
