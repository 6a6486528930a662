import { defineRule } from '../rule.js';

export default defineRule({
  name: 'dynamic-command',
  docs: {
    rationale:
      'When the command name is only known at run time (redis.call(ARGV[1], ...)), nothing can be checked: not the keys, not the writes, not whether Redis allows the command in a script. Name the command with a string literal.',
    wrong: "---@key k\n---@arg op string\nreturn redis.call(ARGV[1], KEYS[1])",
    right: "---@key k\n---@arg op 'incr'|'decr'\nif ARGV[1] == 'incr' then return redis.call('INCR', KEYS[1]) end\nreturn redis.call('DECR', KEYS[1])",
  },
  messages: {
    name: 'the command name is not a literal: {origin}',
    subcommand: 'the {command} subcommand is not a literal',
  },
  check(ctx) {
    for (const call of ctx.calls) {
      // A library's helper this script does not call is given nothing here.
      if (ctx.dead(call.fact.node) && ctx.included(call.fact.node)) continue;
      if (!call.commands) {
        const values = call.fact.args.fixed[0]?.values();
        const origin = values?.find((v) => v.kind !== 'literal');
        ctx.report({
          node: call.nameNode ?? call.fact.node,
          messageId: 'name',
          data: { origin: origin ? ctx.describe(origin) : values ? 'no name is given' : 'it comes from an argument list (unpack or ...)' },
          hint: "write the command name as a string literal, e.g. redis.call('GET', KEYS[1]); when the caller picks it, declare that arg as a union of the names (---@arg cmd 'LPUSH'|'RPUSH'): the wrapper then allows only those",
        });
        continue;
      }
      for (const command of call.commands) {
        if (command.subcommandProblem !== 'dynamic') continue;
        ctx.report({
          node: call.fact.argNodes[1] ?? call.fact.node,
          messageId: 'subcommand',
          data: { command: command.name.toUpperCase() },
          hint: `write the subcommand as a string literal (${(command.info?.subcommands ?? []).join(', ')})`,
        });
      }
    }
  },
});
