// Makes sure the programs the tests run exist: redis-server and redis-cli (the servers the
// tests start) and lua5.1 / luac5.1 (the minifier's oracles). On Debian as root it installs
// them with apt-get; elsewhere it says exactly what to install.
import { spawnSync } from 'node:child_process';

const works = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = () => [
  ...(works('redis-server', ['--version']) && works('redis-cli', ['--version']) ? [] : ['redis-server', 'redis-tools']),
  ...(works('lua5.1', ['-v']) && works('luac5.1', ['-v']) ? [] : ['lua5.1']),
];

let packages = missing();
if (packages.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && works('apt-get', ['--version'])) {
  console.error(`redis-luagen tests: installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed`);
      process.exit(1);
    }
  }
  packages = missing();
  if (packages.length === 0) process.exit(0);
}
console.error(
  `redis-luagen tests need redis-server and redis-cli 7.x, lua5.1 and luac5.1 on PATH (missing: ${packages.join(', ')}).\n` +
    '  Debian/Ubuntu: sudo apt-get install redis-server redis-tools lua5.1\n' +
    '  macOS: brew install redis lua@5.1',
);
process.exit(1);
