// Shebang validation against the behaviour measured on Redis 7.0.15 (reference section 2):
// every case Redis accepts is accepted, every refusal carries Redis' own error text.
import { describe, expect, it } from 'vitest';
import { readShebang, splitArgs } from '../src/parse/shebang.js';

const refused: Array<[string, string]> = [
  ['#!lua name=foo\nreturn 1', 'Unknown lua shebang option: name=foo'],
  ['#!lua flags=bogus\nreturn 1', 'Unexpected flag in script shebang: bogus'],
  ['#!lua flags=no-writes,bogus\nreturn 1', 'Unexpected flag in script shebang: bogus'],
  ['#!lua flags=no-writes, allow-oom\nreturn 1', 'Unexpected flag in script shebang: '],
  ['#!lua flags=no-writes,\nreturn 1', 'Unexpected flag in script shebang: '],
  ['#!lua flags=,no-writes\nreturn 1', 'Unexpected flag in script shebang: '],
  ['#!lua flags=NO-WRITES\nreturn 1', 'Unexpected flag in script shebang: NO-WRITES'],
  ['#!lua', 'Invalid script shebang'],
  ['#!python\nreturn 1', 'Unexpected engine in script shebang: #!python'],
  ['#!LUA\nreturn 1', 'Unexpected engine in script shebang: #!LUA'],
  ['#! lua\nreturn 1', 'Unexpected engine in script shebang: #!'],
  ['#!/usr/bin/lua\nreturn 1', 'Unexpected engine in script shebang: #!/usr/bin/lua'],
];

const accepted: Array<[string, string[]]> = [
  ['#!lua\nreturn 1', []],
  ['#!lua\r\nreturn 1', []],
  ['#!lua\n', []],
  ['#!lua flags=\nreturn 1', []],
  ['#!lua flags=no-writes,allow-oom\nreturn 1', ['no-writes', 'allow-oom']],
  ['#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1', ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']],
  ['#!lua flags=no-writes flags=allow-oom\nreturn 1', ['no-writes', 'allow-oom']],
  ['#!lua  flags=no-writes\nreturn 1', ['no-writes']],
  ['#!lua flags=no-writes \nreturn 1', ['no-writes']],
  ['#!lua flags=no-writes\r\nreturn 1', ['no-writes']],
  ['#!lua flags=no-writes,no-writes\nreturn 1', ['no-writes']],
  ['#!lua flags=no-writes flags=\nreturn 1', ['no-writes']],
];

describe('readShebang', () => {
  it.each(refused)('refuses %j with Redis\' text', (text, message) => {
    const r = readShebang(text);
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.message).toBe(message);
  });

  it.each(accepted)('accepts %j', (text, flags) => {
    const r = readShebang(text);
    expect(r.kind).toBe('ok');
    expect(r.kind === 'ok' && r.shebang.flags).toEqual(flags);
  });

  it('keeps the line byte for byte and knows where it ends', () => {
    const r = readShebang('#!lua flags=no-writes \r\nreturn 1');
    expect(r.kind === 'ok' && r.shebang).toEqual({ text: '#!lua flags=no-writes ', end: 22, flags: ['no-writes'] });
  });

  it('ignores text that is not a shebang (Lua then rejects it)', () => {
    expect(readShebang(' #!lua\nreturn 1').kind).toBe('none');
    expect(readShebang('\n#!lua\nreturn 1').kind).toBe('none');
    expect(readShebang('return 1').kind).toBe('none');
  });
});

describe('splitArgs (Redis sdssplitargs)', () => {
  it('splits on whitespace and honours quotes', () => {
    expect(splitArgs('#!lua  flags=a\tb')).toEqual(['#!lua', 'flags=a', 'b']);
    expect(splitArgs('"#!lua" \'x y\'')).toEqual(['#!lua', 'x y']);
    expect(splitArgs('"a\\x41\\n"')).toEqual(['aA\n']);
  });

  it('returns null on unbalanced quotes, as Redis does', () => {
    expect(splitArgs('"#!lua')).toBeNull();
    expect(splitArgs('"a"b')).toBeNull();
  });
});

describe('against a real redis-server', () => {
  it('SCRIPT LOAD refuses and accepts exactly the same shebangs, with the same text', async () => {
    const { standalone } = await import('./support/clients.js');
    const redis = standalone();
    try {
      for (const [text, message] of refused) {
        const error = await redis.script('LOAD', text).catch((e: Error) => e);
        expect(error, text).toBeInstanceOf(Error);
        expect((error as Error).message, text).toBe(`ERR ${message}`);
      }
      for (const [text] of accepted) {
        expect(await redis.script('LOAD', text), text).toMatch(/^[0-9a-f]{40}$/);
      }
    } finally {
      await redis.quit();
    }
  });
});
