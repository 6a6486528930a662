import { defineRule } from '../rule.js';
import { forEachKeyArg, keyVerdict } from '../key-origins.js';

export default defineRule({
  name: 'derived-key',
  docs: {
    rationale:
      "A key built from a declared key (KEYS[1] .. ':meta') lands in the same cluster slot only when the declared key carries a non-empty {hash tag}. Mark the key {tagged} so the wrapper checks the tag at run time, or pass the full key in KEYS.",
    wrong: "---@key queue\nredis.call('INCR', KEYS[1] .. ':seq')",
    right: "---@key queue {tagged}   e.g. jobs:{emails}\nredis.call('INCR', KEYS[1] .. ':seq')",
  },
  messages: {
    derived: '{command} uses a key built from {base}: it is in the same cluster slot only if {base} carries a {hash tag}',
  },
  check(ctx) {
    forEachKeyArg(ctx.calls, (arg, command) => {
      if (ctx.dead(arg.node)) return false; // a helper nothing calls cannot run
      const derived = arg.values.values().find((v) => keyVerdict(v, ctx.contract) === 'derived');
      if (!derived || derived.kind !== 'derived') return false;
      const key = derived.index === 'any' ? undefined : ctx.contract.keys[derived.index - 1];
      const base = derived.index === 'any' ? 'a KEYS value' : `KEYS[${derived.index}]${key ? ` (${key.name})` : ''}`;
      ctx.report({
        node: arg.node,
        messageId: 'derived',
        data: { command: command.name.toUpperCase().replace('|', ' '), base },
        hint: key
          ? `mark the key tagged (---@key ${key.name} {tagged}) so callers must pass a key with a {hash tag}, or pass the derived key in KEYS too`
          : 'declare the keys with ---@key name {tagged}, or pass the derived keys in KEYS too',
      });
      return true;
    });
  },
});
