// One input of the fuzz stream compiled in a fresh process: prints the digest of its findings.
import { join } from 'node:path';
import { corpus, fuzzInput } from '../test/support/fuzz.js';
import { digest } from './fuzz-digest.js';

const [seed, n] = process.argv.slice(2).map(Number) as [number, number];
const SOURCES = corpus(join(import.meta.dirname, '..', '..'), ['fixtures', 'generated-example/scripts']);
process.stdout.write(digest(fuzzInput(SOURCES, seed, n).text));
