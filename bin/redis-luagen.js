#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

// watch runs until SIGINT/SIGTERM. Other commands keep the default reaction (the process ends
// at once, even mid-compile), except while writing: then a signal first removes the temp
// files being written.
const exitCode = { SIGINT: 130, SIGTERM: 143 };
let stopRequested;
const untilStopped = new Promise((resolve) => (stopRequested = resolve));
const watching = () => {
  process.once('SIGINT', stopRequested);
  process.once('SIGTERM', stopRequested);
};
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
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  untilStopped,
  onWatchStart: watching,
  whileWriting,
});
// process.exit() drops what a pipe has not taken yet: wait until both streams have handed
// everything written to the system (a write's callback runs after the writes before it).
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
