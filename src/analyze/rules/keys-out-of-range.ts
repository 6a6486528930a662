import { defineRule } from '../rule.js';
import { contractTables } from '../contract-usage.js';

export default defineRule({
  name: 'keys-out-of-range',
  docs: {
    rationale:
      'KEYS[n] or ARGV[n] beyond the contract is always nil: the wrapper sends exactly the declared keys and args. Either the contract is missing a line or the index is wrong.',
    wrong: "---@key src\nreturn redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')",
    right: "---@key src\n---@key dst\nreturn redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')",
  },
  messages: {
    zero: '{table}[{index}] is always nil: Lua tables count from 1',
    beyond: '{table}[{index}] is beyond the contract: {declared}',
  },
  check(ctx) {
    for (const { table, specs, usage, what, tag } of contractTables(ctx.contract, ctx.usage)) {
      const variadic = specs[specs.length - 1]?.variadic ?? false;
      const fixed = variadic ? specs.length - 1 : specs.length;
      for (const use of usage.literal) {
        if (use.index >= 1 && (variadic || use.index <= fixed)) continue;
        const declared =
          specs.length === 0
            ? `no ${what}s are declared`
            : `${specs.length} ${what}${specs.length === 1 ? ' is' : 's are'} declared (${specs.map((s) => (s.variadic ? '...' : '') + s.name).join(', ')})`;
        ctx.report({
          start: use.start,
          end: use.end,
          messageId: use.index < 1 ? 'zero' : 'beyond',
          data: { table, index: use.index, declared },
          hint:
            use.index < 1
              ? `the first ${what} is ${table}[1]`
              : `declare it with ${tag} ${table === 'KEYS' ? 'name [text]' : 'name type [text]'} (the ${ordinal(use.index)} ${tag} line), or fix the index`,
        });
      }
    }
  },
});

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}
