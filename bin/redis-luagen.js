#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// --version and help answer before the compiler is loaded (it takes most of a second).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
  const { commandHelp } = await import('../dist/src/cli/help.js');
  process.stdout.write(commandHelp(argv[0] === 'help' ? argv[1] : argv.find((a) => !a.startsWith('-'))));
  process.exit(0);
}

// watch runs until SIGINT/SIGTERM. Other commands keep the default reaction (the process ends
// at once, even mid-compile), except while writing: then a signal first removes the temp
// files being written.
const exitCode = { SIGINT: 130, SIGTERM: 143 };
let stopRequested;
const untilStopped = new Promise((resolve) => (stopRequested = resolve));
let listening = false;
const watching = () => {
  if (listening) return;
  listening = true;
  process.once('SIGINT', stopRequested);
  process.once('SIGTERM', stopRequested);
};
// watch listens from the start, so a stop while the compiler is still loading is a clean stop too.
if (argv[0] === 'watch') watching();
const { main } = await import('../dist/src/cli/main.js');
const whileWriting = (cleanup) => {
  const onSignal = (signal) => {
    cleanup();
    process.exit(exitCode[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
};
const code = await main(argv, {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // FORCE_COLOR (not 0) forces colour, NO_COLOR turns it off; --color / --no-color win over both.
  color: process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0' ? true : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  untilStopped,
  onWatchStart: watching,
  whileWriting,
  progress: process.stderr.isTTY ? { afterMs: 1000 } : undefined,
  readStdin: async () => {
    let text = '';
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) text += chunk;
    return text;
  },
});
// process.exit() drops what a pipe has not taken yet: wait until both streams have handed
// everything written to the system (a write's callback runs after the writes before it).
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
