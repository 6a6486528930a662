// Unit tests of the runtime helper's pure parts: error parsing and line mapping, hash tags,
// argument encoding, reply decoding.
import { describe, expect, it } from 'vitest';
import { ReplyError } from 'ioredis';
import { decodeReply, encodeParams, hasHashTag, ScriptError, slotOf, type ScriptSpec } from '../templates/runtime.js';

const spec = (over: Partial<ScriptSpec> = {}): ScriptSpec => ({
  name: 'demo',
  source: 'lua/demo.lua',
  lua: 'return 1',
  sha: 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db',
  readOnly: false,
  keys: [],
  args: [],
  returns: { kind: 'any' },
  ...over,
});

function replyError(message: string): Error {
  return new ReplyError(message) as unknown as Error;
}

describe('ScriptError', () => {
  const sha = 'e3e6f42121ed4a54d40c51cd9e1f4d31b8aef2d2';
  it.each([
    [`ERR user_script:7: boom script: ${sha}, on @user_script:7.`, 'demo (lua/demo.lua:7): ERR boom', 7, 'ERR'],
    [`ERR user_script:8: deep script: ${sha}, on @user_script:7.`, 'demo (lua/demo.lua:7): ERR lua/demo.lua:8: deep', 7, 'ERR'],
    [`MYCODE structured script: ${sha}, on @user_script:7.`, 'demo (lua/demo.lua:7): MYCODE structured', 7, 'MYCODE'],
    [`ERR boom script: ${sha}, on @user_script:3.`, 'demo (lua/demo.lua:3): ERR boom', 3, 'ERR'],
    ['ERR value is not an integer or out of range', 'demo (lua/demo.lua): ERR value is not an integer or out of range', undefined, 'ERR'],
    ['no code word', 'demo (lua/demo.lua): no code word', undefined, 'no'],
  ])('%s', (message, expected, line, code) => {
    const e = new ScriptError(spec(), replyError(message));
    expect(e.message).toBe(expected);
    expect(e.line).toBe(line);
    expect(e.code).toBe(code);
    expect(e.reply.message).toBe(message);
    expect(e.cause).toBe(e.reply);
  });

  it('maps lines through the line map', () => {
    const e = new ScriptError(spec({ lineMap: [1, 4, 9] }), replyError(`ERR user_script:3: x script: ${sha}, on @user_script:3.`));
    expect(e.line).toBe(9);
    expect(e.message).toBe('demo (lua/demo.lua:9): ERR x');
  });
});

describe('hasHashTag follows the Redis Cluster rule', () => {
  it.each([
    ['{user1}:a', true],
    ['a{b}c', true],
    ['{}', false],
    ['{}{x}', false],
    ['a{', false],
    ['a}b{', false],
    ['plain', false],
    ['{{x}}', true],
  ])('%s -> %s', (key, tagged) => expect(hasHashTag(key)).toBe(tagged));

  it('slotOf agrees with measured slots and with the tag rule', () => {
    expect(slotOf('b')).toBe(3300);
    expect(slotOf('bar')).toBe(5061);
    expect(slotOf('a')).toBe(15495);
    expect(slotOf('{b}1')).toBe(3300);
    expect(slotOf('1', '{b}')).toBe(3300);
  });
});

describe('encodeParams', () => {
  const s = spec({
    keys: [{ name: 'k' }, { name: 'rest', variadic: true }],
    args: [
      { name: 'i', type: { kind: 'integer' } },
      { name: 'n', type: { kind: 'number' } },
      { name: 'b', type: { kind: 'boolean' } },
      { name: 'buf', type: { kind: 'buffer' } },
      { name: 'j', type: { kind: 'json' } },
      { name: 'l', type: { kind: 'literal', values: ['asc', 'desc'] } },
      { name: 'more', type: { kind: 'integer' }, variadic: true },
    ],
  });
  it('encodes every type in KEYS / ARGV order', () => {
    const buf = Buffer.from([0, 255]);
    expect(encodeParams(s, { k: 'a', rest: ['b', 'c'], i: -3, n: 0.5, b: false, buf, j: { x: [1] }, l: 'desc', more: [1, 2] })).toEqual({
      keys: ['a', 'b', 'c'],
      args: ['-3', '0.5', '0', buf, '{"x":[1]}', 'desc', '1', '2'],
    });
  });
  it.each([
    [{ i: 2 ** 53 }, "'i' must be a safe integer, got the number 9007199254740992"],
    [{ n: Infinity }, "'n' must be a finite number, got the number Infinity"],
    [{ b: 1 }, "'b' must be a boolean, got the number 1"],
    [{ buf: 5 }, "'buf' must be a Buffer or a string, got the number 5"],
    [{ j: () => 1 }, "'j' must be a JSON value, got function"],
    [{ more: [1, 'x'] }, "'more[1]' must be a safe integer, got the string \"x\""],
  ])('rejects %j', (override, message) => {
    const base = { k: 'a', rest: [], i: 1, n: 1, b: true, buf: 'x', j: null, l: 'asc', more: [] };
    expect(() => encodeParams(s, { ...base, ...override })).toThrow(new TypeError(`demo: ${message}`));
  });
});

describe('encodeParams reads own fields only and refuses holes', () => {
  const s = spec({ keys: [{ name: 'k' }], args: [{ name: '__proto__', type: { kind: 'json' } }, { name: 'items', type: { kind: 'string' }, variadic: true }] });

  it("a param named __proto__ that the caller leaves out is missing, not Object.prototype", () => {
    expect(() => encodeParams(s, { k: 'a', items: [] })).toThrow(new TypeError("demo: missing required field '__proto__'"));
    expect(encodeParams(s, JSON.parse('{"k":"a","__proto__":{"x":1},"items":[]}'))).toEqual({ keys: ['a'], args: ['{"x":1}'] });
  });

  it('inherited fields are not read', () => {
    const params = Object.create({ k: 'inherited' }) as Record<string, unknown>;
    params['__proto__'] = 1;
    params['items'] = [];
    expect(() => encodeParams(s, params)).toThrow(new TypeError("demo: missing required field 'k'"));
  });

  it('a polluted Object.prototype is not read', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['k'] = 'polluted';
    try {
      expect(() => encodeParams(s, Object.assign(Object.create(null), { __proto__: 1, items: [] }))).toThrow("missing required field 'k'");
      expect(() => encodeParams(s, JSON.parse('{"__proto__":1,"items":[]}'))).toThrow("missing required field 'k'");
    } finally {
      delete proto['k'];
    }
  });

  it('a variadic array with holes is refused, not sent shortened', () => {
    const params: Record<string, unknown> = { k: 'a', items: [, 'a', , 'b'] }; // eslint-disable-line no-sparse-arrays
    Object.defineProperty(params, '__proto__', { value: 1, enumerable: true });
    expect(() => encodeParams(s, params)).toThrow(new TypeError("demo: 'items[0]' is missing (the array has a hole there)"));
  });
});

describe('decodeReply', () => {
  it.each([
    [{ kind: 'integer' }, 3, 3],
    [{ kind: 'boolean' }, 1, true],
    [{ kind: 'boolean' }, null, false],
    [{ kind: 'status' }, 'OK', 'OK'],
    [{ kind: 'nil' }, null, null],
    [{ kind: 'optional', of: { kind: 'string' } }, null, null],
    [{ kind: 'array', of: { kind: 'optional', of: { kind: 'string' } } }, ['a', null], ['a', null]],
    [{ kind: 'tuple', items: [{ kind: 'integer' }, { kind: 'string' }] }, [1, 'x'], [1, 'x']],
    [{ kind: 'hash' }, ['f', 'v', 'n', 2], { f: 'v', n: '2' }],
    [{ kind: 'hash' }, ['__proto__', 'x'], JSON.parse('{"__proto__":"x"}')],
    [{ kind: 'json' }, '{"a":[1,true]}', { a: [1, true] }],
    [{ kind: 'json' }, null, null],
    [{ kind: 'any' }, [1, ['x']], [1, ['x']]],
  ] as const)('%j decodes %j', (returns, reply, expected) => {
    expect(decodeReply(spec({ returns: returns as ScriptSpec['returns'] }), reply)).toEqual(expected);
  });

  it.each([
    [{ kind: 'integer' }, 'x', "demo: the script returned the string \"x\" where the contract says integer"],
    [{ kind: 'boolean' }, 0, 'demo: the script returned the number 0 where the contract says boolean (Lua true or false)'],
    [{ kind: 'tuple', items: [{ kind: 'integer' }] }, [1, 2], 'demo: the script returned an array where the contract says a tuple of 1'],
    [{ kind: 'array', of: { kind: 'integer' } }, [1, 'x'], 'demo: the script returned the string "x" at [1] where the contract says integer'],
    [{ kind: 'hash' }, ['odd'], 'demo: the script returned an array where the contract says hash (a flat field/value array)'],
    [{ kind: 'json' }, 'nope', 'demo: the script returned text that is not JSON'],
  ] as const)('%j refuses %j', (returns, reply, message) => {
    expect(() => decodeReply(spec({ returns: returns as ScriptSpec['returns'] }), reply)).toThrow(message);
  });

  it('turns an error nested in an array reply into a ScriptError', () => {
    expect(() => decodeReply(spec({ returns: { kind: 'array', of: { kind: 'integer' } } }), [replyError('inner')])).toThrow(ScriptError);
  });
});
