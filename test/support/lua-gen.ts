// A generator of random but valid, deterministic Lua 5.1 programs for the minifier's proof:
// expressions with every operator and precedence level (parenthesized at random), strings
// with escapes and long strings, nested functions and closures, varargs, multiple
// assignment, shadowing, loops, method calls. Every program is type-safe (no run-time error,
// no NaN, no pairs() order, no randomness) and returns one string summarizing its values.

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Disjoint name pools per type, so that shadowing never turns a number into a string.
const NUM_NAMES = ['a', 'b', 'x', 'y', 'n', 'i', 'acc', 'count', 'k', 'total'];
const STR_NAMES = ['s', 'str', 'tmp', 'value', 'name', 'text', 'self_'];

export function generateProgram(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number) => r() < p;
  const lines: string[] = [];
  let indent = 0;
  const emit = (s: string) => lines.push('  '.repeat(indent) + s);
  // Scopes of numeric and string variables that are visible.
  const scopes: Array<{ nums: string[]; strs: string[] }> = [{ nums: [], strs: [] }];
  const visible = (kind: 'nums' | 'strs') => scopes.flatMap((s) => s[kind]);
  let unique = 0;
  const fresh = (kind: 'nums' | 'strs' | 'fn' = 'nums') =>
    kind === 'fn' ? `fn${unique++}` : `${pick(kind === 'nums' ? NUM_NAMES : STR_NAMES)}${chance(0.5) ? '' : Math.floor(r() * 4)}`;
  const declare = (kind: 'nums' | 'strs', name: string) => (scopes[scopes.length - 1] as { nums: string[]; strs: string[] })[kind].push(name);
  const paren = (s: string) => (chance(0.35) ? `(${s})` : s);

  function numLiteral(): string {
    return pick(['0', '1', '2', '3', '7', '10', '0.5', '.25', '3.', '1e2', '2.5e-1', '0x1F', '0xff', '42', '100']);
  }

  function numExpr(depth: number): string {
    const vars = visible('nums');
    if (depth <= 0 || chance(0.3)) return vars.length && chance(0.6) ? pick(vars) : numLiteral();
    switch (Math.floor(r() * 9)) {
      case 0:
        return paren(`${numExpr(depth - 1)} + ${numExpr(depth - 1)}`);
      case 1:
        return paren(`${numExpr(depth - 1)} - ${numExpr(depth - 1)}`);
      case 2:
        return paren(`${numExpr(depth - 1)} * ${numExpr(depth - 1)}`);
      case 3:
        return paren(`${numExpr(depth - 1)} / ${pick(['2', '4', '8', '0.5', '10'])}`);
      case 4:
        return paren(`${numExpr(depth - 1)} % ${pick(['3', '7', '10'])}`);
      case 5:
        return paren(`${pick(['2', '3', '1.5'])} ^ ${pick(['2', '3', '0', '1'])}`);
      case 6:
      {
        const inner = numExpr(depth - 1);
        // '--' would start a comment: a space keeps two minus signs apart.
        return paren(`-${chance(0.5) || inner.startsWith('-') ? ' ' : ''}${inner}`);
      }
      case 7:
        return paren(`#(${strExpr(depth - 1)})`);
      default:
        return `math.floor(${numExpr(depth - 1)})`;
    }
  }

  function strLiteral(): string {
    return pick([
      "'plain'",
      '"double"',
      "'it\\'s'",
      '"tab\\there"',
      "'nl\\nx'",
      '"\\65\\066\\0677"',
      "'back\\\\slash'",
      '"q\\"uote"',
      '[[long]]',
      '[[\nfirst newline dropped]]',
      '[==[ has ]] inside ]==]',
      '[=[multi\nline\nstring]=]',
      "'esc\\\nline'",
      "''",
      "'\\r\\v\\f\\a\\b'",
    ]);
  }

  function strExpr(depth: number): string {
    const vars = visible('strs');
    if (depth <= 0 || chance(0.35)) return vars.length && chance(0.6) ? pick(vars) : strLiteral();
    switch (Math.floor(r() * 7)) {
      case 0:
        return paren(`${strExpr(depth - 1)} .. ${strExpr(depth - 1)}`);
      case 1:
        return paren(`${strExpr(depth - 1)} .. ${numExpr(depth - 1)}`);
      case 2:
        return `string.rep(${strExpr(depth - 1)}, ${pick(['0', '1', '2'])})`;
      case 3:
        return `(${strExpr(depth - 1)}):upper()`;
      case 4:
        return `string.format('%d:%s', ${pick(['1', '2', '-3'])}, ${strExpr(depth - 1)})`;
      case 5:
        return `tostring(${numExpr(depth - 1)})`;
      default:
        return `string.sub(${strExpr(depth - 1)}, ${pick(['1', '2', '-2'])})`;
    }
  }

  function boolExpr(depth: number): string {
    switch (Math.floor(r() * 5)) {
      case 0:
        return `${numExpr(depth)} ${pick(['<', '<=', '>', '>=', '==', '~='])} ${numExpr(depth)}`;
      case 1:
        return `${strExpr(depth)} ${pick(['==', '~='])} ${strExpr(depth)}`;
      case 2:
        return `not (${boolExpr(depth - 1)})`;
      case 3:
        return `(${boolExpr(depth - 1)}) ${pick(['and', 'or'])} ${paren(boolExpr(depth - 1))}`;
      default:
        return pick(['true', 'false', `nil == ${numExpr(0)}`]);
    }
  }

  const record = (e: string) => emit(`out[#out + 1] = tostring(${e})`);

  function block(depth: number, budget: number): void {
    for (let i = 0; i < budget; i++) statement(depth);
  }

  function nested(head: string, depth: number, tail = 'end', extra?: () => void): void {
    emit(head);
    indent++;
    scopes.push({ nums: [], strs: [] });
    extra?.();
    block(depth - 1, 1 + Math.floor(r() * 3));
    scopes.pop();
    indent--;
    emit(tail);
  }

  function statement(depth: number): void {
    const kinds = depth > 0 ? 12 : 4;
    switch (Math.floor(r() * kinds)) {
      case 0: {
        const name = fresh();
        emit(`local ${name} = ${numExpr(3)}`);
        declare('nums', name);
        record(name);
        return;
      }
      case 1: {
        const name = fresh('strs');
        emit(`local ${name} = ${strExpr(3)}`);
        declare('strs', name);
        record(name);
        return;
      }
      case 2: {
        const nums = visible('nums');
        if (nums.length >= 2) {
          const [p, q] = [pick(nums), pick(nums)];
          emit(`${p}, ${q} = ${numExpr(2)}, ${numExpr(2)}`);
          record(`${p} .. ',' .. ${q}`);
        } else record(numExpr(2));
        return;
      }
      case 3:
        record(boolExpr(2));
        return;
      case 4:
        nested(`if ${boolExpr(2)} then`, depth, 'end');
        return;
      case 5: {
        const branch = (head: string) => {
          emit(head);
          indent++;
          scopes.push({ nums: [], strs: [] });
          block(depth - 1, 1);
          scopes.pop();
          indent--;
        };
        branch(`if ${boolExpr(1)} then`);
        branch(`elseif ${boolExpr(1)} then`);
        branch('else');
        emit('end');
        return;
      }
      case 6: {
        const v = fresh();
        nested(`for ${v} = ${pick(['1', '3', '-2'])}, ${pick(['3', '4', '0'])}${chance(0.3) ? ', ' + pick(['1', '2', '-1']) : ''} do`, depth, 'end', () => declare('nums', v));
        return;
      }
      case 7: {
        const k = fresh();
        const v = fresh();
        nested(`for ${k}, ${v} in ipairs({ ${numExpr(1)}, ${numExpr(1)}, ${numExpr(1)} }) do`, depth, 'end', () => {
          declare('nums', k);
          declare('nums', v);
        });
        return;
      }
      case 8: {
        const f = fresh('fn');
        const p = fresh();
        emit(`local function ${f}(${p}, ...)`);
        indent++;
        scopes.push({ nums: [p], strs: [] });
        const inner = fresh();
        emit(`local ${inner} = select('#', ...) + ${p}`);
        declare('nums', inner);
        block(depth - 1, 1);
        emit(`return ${inner} + #{ ... }, ...`);
        scopes.pop();
        indent--;
        emit('end');
        record(`(${f}(${numExpr(1)}, ${numExpr(1)}, nil, ${numExpr(1)}))`);
        emit(`out[#out + 1] = select('#', ${f}(${numExpr(1)}))`);
        return;
      }
      case 9: {
        // A closure capturing and changing an upvalue.
        const counter = fresh();
        const make = fresh('fn');
        emit(`local ${counter} = ${numExpr(1)}`);
        declare('nums', counter);
        emit(`local ${make} = function(step) ${counter} = ${counter} + step return ${counter} end`);
        record(`${make}(${numLiteral()}) + ${make}(${numLiteral()})`);
        return;
      }
      case 10: {
        // Shadowing inside a do block, then the outer value again.
        const name = fresh();
        emit(`local ${name} = ${numExpr(1)}`);
        declare('nums', name);
        emit('do');
        indent++;
        const shadow = fresh('strs');
        emit(`local ${shadow} = ${strExpr(1)}`);
        emit(`local ${name} = #${shadow}`);
        record(name);
        indent--;
        emit('end');
        record(name);
        return;
      }
      default: {
        // A table with a method using self, and a while loop.
        const obj = fresh('fn');
        emit(`local ${obj} = { v = ${numExpr(1)}, s = ${strExpr(1)} }`);
        emit(`function ${obj}:get(d) return self.v + d, self.s end`);
        record(`${obj}:get(${numExpr(1)})`);
        const w = fresh();
        emit(`local ${w} = 0`);
        emit(`while ${w} < ${pick(['2', '3'])} do ${w} = ${w} + 1 end`);
        emit(`repeat local z = ${w} ${w} = ${w} - 1 until z <= 1`);
        record(w);
        return;
      }
    }
  }

  emit('local out = {}');
  block(3, 6 + Math.floor(r() * 6));
  emit("return table.concat(out, '|')");
  return lines.join('\n') + '\n';
}
