import { defineRule } from '../rule.js';

export default defineRule({
  name: 'command-not-allowed',
  docs: {
    rationale:
      'Redis refuses commands flagged noscript inside scripts ("This Redis command is not allowed from script"): blocking pops, MULTI/EXEC, WAIT, (P|S)SUBSCRIBE, EVAL, CLIENT, CONFIG and more. XREAD and XREADGROUP are refused with BLOCK.',
    wrong: "---@key q\nreturn redis.call('BLPOP', KEYS[1], 0)",
    right: "---@key q\nreturn redis.call('LPOP', KEYS[1])",
  },
  messages: {
    noscript: 'Redis does not allow {command} in scripts',
    block: '{command} with BLOCK is not allowed in scripts',
  },
  check(ctx) {
    for (const call of ctx.calls) {
      for (const command of call.commands ?? []) {
        const name = command.name.toUpperCase().replace('|', ' ');
        if (command.info?.flags.includes('noscript')) {
          ctx.report({
            node: call.nameNode ?? call.fact.node,
            messageId: 'noscript',
            data: { command: name },
            hint: /^B[LRZ]/i.test(command.name)
              ? 'use the non-blocking form (LPOP, RPOP, LMOVE, ZPOPMIN...) in the script and block in the client'
              : 'run this command from the client, outside the script',
          });
        } else if (command.blocking) {
          ctx.report({
            node: command.blocking,
            messageId: 'block',
            data: { command: name },
            hint: 'drop BLOCK inside the script; block with XREAD in the client',
          });
        }
      }
    }
  },
});
