// Nothing outside the output folder changes, whatever the config and the paths say. Each case
// runs on a whole temp tree (the project, a fake node_modules holding generated-looking
// files, a sibling package, scripts outside the project) and compares a snapshot of every
// file outside the output folder before and after.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { GENERATED_MARKER } from '../src/codegen/names.js';

const OK = '---@key k\n---@return integer\nreturn redis.call("INCR", KEYS[1])\n';
const LOOKS_GENERATED = `${GENERATED_MARKER}\nexport const x = 1;\n`;
const trees: string[] = [];

afterEach(() => {
  for (const d of trees.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** tree/app (the project), tree/app/node_modules, tree/sibling (another package), tree/outside (scripts). */
function tree(config: Record<string, unknown>): { top: string; app: string } {
  const top = mkdtempSync(join(tmpdir(), 'redis-luagen-safety-'));
  trees.push(top);
  const files: Record<string, string> = {
    'app/redis-luagen.config.json': JSON.stringify(config),
    'app/package.json': '{"name":"app"}',
    'app/scripts/one.lua': OK,
    'app/scripts/two.lua': OK,
    'app/scripts/sub/three.lua': OK,
    'app/node_modules/dep/index.ts': LOOKS_GENERATED,
    'app/node_modules/dep/scripts/x.ts': LOOKS_GENERATED,
    'app/src/app.ts': 'export {};\n',
    'app/one.ts': LOOKS_GENERATED,
    'sibling/package.json': '{"name":"sibling"}',
    'sibling/gen/index.ts': LOOKS_GENERATED,
    'outside/far.lua': OK,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, path)), { recursive: true });
    writeFileSync(join(top, path), text);
  }
  return { top, app: join(top, 'app') };
}

/** Every file and link under `top`, with its content, except under `skip` (the output folder). */
function snapshot(top: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (abs === skip || abs.startsWith(skip + sep)) continue;
      if (e.isSymbolicLink()) out.set(relative(top, abs), `link`);
      else if (e.isDirectory()) walk(abs);
      else out.set(relative(top, abs), `${readFileSync(abs, 'utf8')}@${lstatSync(abs).mtimeMs}`);
    }
  };
  walk(top);
  return out;
}

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main([...argv, '--format', 'plain'], { cwd, stdout: (t) => (out += t), stderr: (t) => (out += t), color: false });
  return { code, out };
}

const BASE = { include: ['scripts/**/*.lua'], rootDir: 'scripts', outDir: 'gen' };

describe('nothing outside the output folder changes', () => {
  it.each([
    ['a folder outside the project on the command line', BASE, ['build', '../outside', '--out', 'gen'], 'gen', /RL009 bad-path .*outside rootDir/],
    ['include globs with ../', { ...BASE, include: ['scripts/**/*.lua', '../outside/*.lua'] }, ['build'], 'gen', /RL009 bad-path .*outside rootDir/],
    ['an absolute include glob', { ...BASE, include: ['scripts/**/*.lua', '@OUTSIDE@/*.lua'] }, ['build'], 'gen', /RL009 bad-path .*outside rootDir/],
    ['outDir "."', { ...BASE, rootDir: '.', outDir: '.' }, ['build'], '.', /output folder \. holds the project root/],
    ['outDir equal to rootDir', { ...BASE, outDir: 'scripts' }, ['build'], 'scripts', /output folder scripts holds the script scripts\/one\.lua/],
    ['outDir inside node_modules', { ...BASE, outDir: 'node_modules/dep' }, ['build'], 'node_modules/dep', /is inside node_modules/],
    ['outDir holding the project', { ...BASE, outDir: '..' }, ['build'], '..', /holds the project root/],
    ['a typo in a path', BASE, ['build', 'scripts/oen.lua'], 'gen', /scripts\/oen\.lua: no such file or folder/],
    ['an include that matches nothing', { ...BASE, include: ['script/**/*.lua'] }, ['build'], 'gen', /no script matches include/],
  ])('%s', async (_what, config, argv, outDir, message) => {
    const { top, app } = tree(config);
    const fixed = JSON.parse(JSON.stringify(config).replace('@OUTSIDE@', join(top, 'outside').split(sep).join('/')));
    writeFileSync(join(app, 'redis-luagen.config.json'), JSON.stringify(fixed));
    const out = join(app, outDir);
    const before = snapshot(top, out === app || out === top ? join(app, '\0none') : out);
    const r = await run(app, ...argv);
    expect(r.out).toMatch(message);
    expect(r.code).toBeGreaterThan(0);
    expect(snapshot(top, out === app || out === top ? join(app, '\0none') : out)).toEqual(before);
  });

  it('a symbolic link inside the output folder is not followed', async () => {
    const { top, app } = tree(BASE);
    expect((await run(app, 'build')).code).toBe(0);
    rmSync(join(app, 'gen/sub'), { recursive: true });
    symlinkSync(join(top, 'sibling'), join(app, 'gen/sub'));
    const before = snapshot(top, join(app, 'gen'));
    const siblingBefore = snapshot(join(top, 'sibling'), join(top, '\0none'));
    const r = await run(app, 'build');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/gen\/sub is a symbolic link: redis-luagen writes only inside the output folder/);
    expect(snapshot(top, join(app, 'gen'))).toEqual(before);
    expect(snapshot(join(top, 'sibling'), join(top, '\0none'))).toEqual(siblingBefore);
  });
});

describe('paths narrow a build, they never delete', () => {
  it('build of one script writes its wrapper, the index and the runtime, and keeps the others', async () => {
    const { app } = tree(BASE);
    expect((await run(app, 'build')).code).toBe(0);
    writeFileSync(join(app, 'scripts/one.lua'), OK.replace('INCR', 'DECR'));
    const twoBefore = readFileSync(join(app, 'gen/two.ts'), 'utf8');
    const r = await run(app, 'build', 'scripts/one.lua');
    expect(r.code).toBe(0);
    expect(readFileSync(join(app, 'gen/one.ts'), 'utf8')).toContain('DECR');
    expect(readFileSync(join(app, 'gen/two.ts'), 'utf8')).toBe(twoBefore);
    expect(existsSync(join(app, 'gen/sub/three.ts'))).toBe(true);
    expect(readFileSync(join(app, 'gen/index.ts'), 'utf8')).toMatch(/three/);
  });

  it('check of one script compares only what it would write', async () => {
    const { app } = tree(BASE);
    expect((await run(app, 'build')).code).toBe(0);
    rmSync(join(app, 'gen/two.ts'));
    const narrowed = await run(app, 'check', 'scripts/one.lua');
    expect(narrowed.out).not.toMatch(/extra|two\.ts/);
    expect(narrowed.code).toBe(0);
    expect((await run(app, 'check')).out).toMatch(/scripts\/two\.lua:1:1: error RL011 stale-output its wrapper gen\/two\.ts is missing/);
  });
});

describe('temp files', () => {
  it('a build removes the temp files a killed build left, and only those', async () => {
    const { app } = tree(BASE);
    expect((await run(app, 'build')).code).toBe(0);
    // pid 2147483646 does not exist; the live one is this process.
    writeFileSync(join(app, 'gen/.abc123.2147483646.tmp'), 'half');
    writeFileSync(join(app, `gen/sub/.def456.${process.pid}.tmp`), 'writing now');
    writeFileSync(join(app, 'gen/.notes.tmp'), 'not ours');
    expect((await run(app, 'build')).code).toBe(0);
    expect(existsSync(join(app, 'gen/.abc123.2147483646.tmp'))).toBe(false);
    expect(existsSync(join(app, `gen/sub/.def456.${process.pid}.tmp`))).toBe(true);
    expect(existsSync(join(app, 'gen/.notes.tmp'))).toBe(true);
  });
});
