import { defineRule } from '../rule.js';

export default defineRule({
  name: 'keyless-script',
  docs: {
    target: 'elasticache-serverless',
    rationale:
      'ElastiCache Serverless (AWS\'s managed Redis and Valkey, always a cluster) refuses every script that names no key: "ERR Lua scripts without any input keys are not supported". It routes a script by its keys, so a script that touches no key, or only keys it builds itself, cannot run there. Reported only for the target elasticache-serverless.',
    wrong: "---@arg n integer\n---@return integer\nreturn tonumber(ARGV[1]) * 2",
    right: "---@key counter\n---@arg n integer\n---@return integer\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])",
  },
  messages: {
    keyless: 'the script declares no key: {server} refuses it ("ERR Lua scripts without any input keys are not supported")',
  },
  check(ctx) {
    if (ctx.commands.target !== 'elasticache-serverless' || ctx.contract.keys.length > 0) return;
    ctx.report({
      node: ctx.anchor,
      messageId: 'keyless',
      data: { server: 'ElastiCache Serverless' },
      hint: 'pass the key the script works on as KEYS[1] (---@key), or run this work outside Redis',
    });
  },
});
