import { defineRule } from '../rule.js';
import { forEachKeyArg, keyVerdict } from '../key-origins.js';

export default defineRule({
  name: 'undeclared-key',
  docs: {
    rationale:
      'Redis Cluster routes a script by the keys passed in KEYS. A key the script names any other way (a literal, an ARGV value, a name built at run time, a key read from another command\'s reply) may live on another node: the script then fails with "Script attempted to access a non local key in a cluster node", or only works by luck on a single server.',
    wrong: "---@arg user string\nreturn redis.call('GET', 'user:' .. ARGV[1])",
    right: "---@key user   the user key, e.g. user:{42}\nreturn redis.call('GET', KEYS[1])",
  },
  messages: {
    undeclared: '{command} uses as a key {origin}, not a KEYS value{more}',
    undecided: 'cannot tell which arguments of {command} are keys ({why}); {origin} may be one',
  },
  check(ctx) {
    forEachKeyArg(ctx.calls, (arg, command) => {
      if (ctx.dead(arg.node)) return false; // a helper nothing calls cannot run
      // No value at all: the call cannot be reached with one (error() before it, a guard that
      // excludes every value the key could have). Untracked values are explicit unknowns.
      const bad = arg.values.values().filter((v) => keyVerdict(v, ctx.contract, ctx.assumeTagged) === 'undeclared');
      if (!bad.length) return false;
      const origins = bad.map((v) => ctx.describe(v));
      ctx.report({
        node: arg.node,
        messageId: command.undecided ? 'undecided' : 'undeclared',
        data: {
          command: command.name.toUpperCase().replace('|', ' '),
          origin: origins[0] as string,
          more: origins.length > 1 ? ` (it may also be ${origins.slice(1).join(', ')})` : '',
          why: command.undecided ?? '',
        },
        hint: 'pass every key the script touches in KEYS: add a ---@key line and use KEYS[n]; keys that must share a slot need a common {hash tag}',
      });
      return true;
    });
  },
});
