// Makes sure redis-server and redis-cli exist before the tests run. On Debian as root it
// installs them with apt-get; elsewhere it says exactly what to install.
import { spawnSync } from 'node:child_process';

const has = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
if (has('redis-server') && has('redis-cli')) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt) {
  console.error('redis-luagen tests: installing redis-server and redis-tools with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'redis-server', 'redis-tools']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed`);
      process.exit(1);
    }
  }
  process.exit(has('redis-server') && has('redis-cli') ? 0 : 1);
}
console.error(
  'redis-luagen tests need redis-server and redis-cli 7.x on PATH.\n' +
    '  Debian/Ubuntu: sudo apt-get install redis-server redis-tools\n' +
    '  macOS: brew install redis',
);
process.exit(1);
