import { defineRule } from '../rule.js';

export default defineRule({
  name: 'key-as-value',
  docs: {
    rationale:
      'A KEYS value passed where the command expects a field, member or value is usually a swapped argument (SET value key) or a key name stored as data. Stored key names are not prefixed by ioredis keyPrefix and are not routed by Redis Cluster when read back.',
    wrong: "---@key src\n---@key dst\nreturn redis.call('SET', KEYS[1], KEYS[2])",
    right: "---@key src\n---@arg value string\nreturn redis.call('SET', KEYS[1], ARGV[1])",
  },
  messages: {
    value: 'KEYS[{index}] is passed to {command} as a value, not as a key',
  },
  check(ctx) {
    for (const call of ctx.calls) {
      for (const command of call.commands ?? []) {
        if (!command.info || command.undecided) continue;
        for (const arg of command.others) {
          const key = arg.values.values().find((v) => v.kind === 'key');
          if (!key || key.kind !== 'key' || !arg.node) continue;
          ctx.report({
            node: arg.node,
            messageId: 'value',
            data: { index: key.index === 'any' ? 'i' : key.index, command: command.name.toUpperCase().replace('|', ' ') },
            hint: 'check the argument order; if the key name is meant as data, disable this line with -- redis-luagen-disable-next-line key-as-value -- <reason>',
          });
        }
      }
    }
  },
});
