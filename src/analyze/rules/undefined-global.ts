import { defineRule } from '../rule.js';
import { SANDBOX } from '../data/index.js';

const ALTERNATIVES: Record<string, string> = {
  os: "Redis 7.0 has no os library: use redis.call('TIME') for the time",
  io: 'scripts cannot do I/O',
  print: "use redis.log(redis.LOG_WARNING, msg) to write to the server log",
  require: 'scripts cannot load modules: keep the code in the script',
  dofile: 'scripts cannot read files',
  loadfile: 'scripts cannot read files',
  debug: 'the debug library is not available in scripts',
  package: 'scripts cannot load modules',
  server: 'server.call is Valkey\'s name for redis.call: use redis.call, or set "target" to valkey@7.2, valkey@8 or valkey@9',
  module: 'scripts cannot load modules',
  getfenv: 'getfenv is not available in the Redis sandbox',
  setfenv: 'setfenv is not available in the Redis sandbox',
  newproxy: 'newproxy is not available in the Redis sandbox',
  utf8: 'Redis runs Lua 5.1, which has no utf8 library',
};

export default defineRule({
  name: 'undefined-global',
  docs: {
    rationale: `Reading a global that the Redis sandbox does not define fails with "Script attempted to access nonexistent global variable". The sandbox of Redis ${SANDBOX.redisVersion} has exactly ${Object.keys(SANDBOX.globals).length} globals; os, io, print, require, debug and friends are not among them, and a typo in a local's name reads a global.`,
    wrong: "---@key k\nlocal value = redis.call('GET', KEYS[1])\nprint(value)\nreturn vlaue",
    right: "---@key k\nlocal value = redis.call('GET', KEYS[1])\nredis.log(redis.LOG_NOTICE, value)\nreturn value",
  },
  messages: {
    global: "'{name}' is not defined in the Redis sandbox{suggestion}",
  },
  check(ctx) {
    const locals = new Set(ctx.scopes.bindings.map((b) => b.name));
    for (const g of ctx.scopes.globals) {
      if (g.write || Object.prototype.hasOwnProperty.call(SANDBOX.globals, g.node.name) || Object.hasOwn(ctx.commands.aliases, g.node.name)) continue;
      // A library's helper that this script does not call may read what other scripts define.
      if (ctx.dead(g.node) && ctx.included(g.node)) continue;
      const name = g.node.name;
      const near = [...locals, ...Object.keys(SANDBOX.globals)].find((n) => n !== name && n.toLowerCase() === name.toLowerCase());
      ctx.report({
        node: g.node,
        messageId: 'global',
        data: { name, suggestion: near ? ` (did you mean '${near}'?)` : '' },
        hint: ALTERNATIVES[name] ?? `declare it with local, or check the spelling; the sandbox globals are ${Object.keys(SANDBOX.globals).filter((n) => !n.startsWith('__')).join(', ')}`,
      });
    }
  },
});
