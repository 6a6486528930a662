import { defineRule } from '../rule.js';
import { COMMANDS, targetsWith, type CommandTable } from '../data/index.js';

function closest(name: string, table: CommandTable): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of Object.keys(table.commands)) {
    if (candidate.includes('|')) continue;
    const d = distance(name, candidate);
    if (d <= 2 && (!best || d < best.d)) best = { name: candidate, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

export default defineRule({
  name: 'unknown-command',
  docs: {
    rationale: `A command that is not in the command table of Redis ${COMMANDS.redisVersion} fails at run time with "Unknown Redis command called from script". Usually a typo.`,
    wrong: "---@key z\n---@arg m string\nreturn redis.call('ZADDD', KEYS[1], 1, ARGV[1])",
    right: "---@key z\n---@arg m string\nreturn redis.call('ZADD', KEYS[1], 1, ARGV[1])",
  },
  messages: {
    command: "'{name}' is not a {version} command{suggestion}",
    newer: "'{name}' is not a {version} command: {where}",
    subcommand: "'{sub}' is not a subcommand of {command} (subcommands: {list})",
  },
  check(ctx) {
    for (const call of ctx.calls) {
      for (const command of call.commands ?? []) {
        if (!command.info) {
          const newer = targetsWith(command.name);
          if (newer.length) {
            const where = newer.map((t) => `${t.label} has it (since ${t.since}; target "${t.target}")`).join(', ');
            ctx.report({
              node: call.nameNode ?? call.fact.node,
              messageId: 'newer',
              data: { name: command.name.toUpperCase(), version: ctx.commands.label, where },
              hint: `set "target" in the config (or --target) to the server you run, or use commands ${ctx.commands.label} has`,
            });
            continue;
          }
          const suggestion = closest(command.name, ctx.commands);
          ctx.report({
            node: call.nameNode ?? call.fact.node,
            messageId: 'command',
            data: { name: command.name.toUpperCase(), version: ctx.commands.label, suggestion: suggestion ? ` (did you mean ${suggestion.toUpperCase()}?)` : '' },
            hint: 'fix the command name; the command tables are generated from a real Redis server and the servers\' published command files',
          });
        } else if (command.subcommandProblem === 'unknown') {
          ctx.report({
            node: call.fact.argNodes[1] ?? call.fact.node,
            messageId: 'subcommand',
            data: { sub: command.subcommand ?? '', command: command.name.toUpperCase(), list: (command.info.subcommands ?? []).join(', ') },
            hint: 'fix the subcommand name',
          });
        }
      }
    }
  },
});
