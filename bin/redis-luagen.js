#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

const stopped = new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  untilStopped: stopped,
});
process.exitCode = code;
if (code !== 0 || process.argv[2] !== 'watch') process.exit(code);
process.exit(code);
