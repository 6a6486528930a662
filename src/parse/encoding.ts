// RL005 facts: a UTF-8 BOM (Redis refuses it: "unexpected symbol near '\xef'") and byte
// sequences that are not UTF-8. In: bytes. Out: the byte offset and kind of the first problem.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/report.js';
import type { SourceFile } from '../source/source-file.js';

export type EncodingProblem = { kind: 'bom' } | { kind: 'invalid-utf8'; byteOffset: number };

export function findEncodingProblem(bytes: Uint8Array): EncodingProblem | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { kind: 'bom' };
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return undefined;
  } catch {
    return { kind: 'invalid-utf8', byteOffset: firstInvalidByte(bytes) };
  }
}

function firstInvalidByte(bytes: Uint8Array): number {
  // Feed one byte at a time to a streaming fatal decoder: it throws at the first byte that
  // cannot continue a valid sequence.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return bytes.length;
}

/** RL005 for a file whose bytes Redis would refuse or that are not UTF-8. */
export function encodingDiagnostic(file: SourceFile): Diagnostic | undefined {
  const problem = findEncodingProblem(file.bytes);
  if (!problem) return undefined;
  const bom = problem.kind === 'bom';
  const start = bom ? 0 : new TextDecoder().decode(file.bytes.subarray(0, problem.byteOffset)).length;
  return makeDiagnostic(file, {
    rule: 'bad-encoding',
    start,
    end: start + 1,
    message: bom ? "the file starts with a UTF-8 byte order mark: Redis refuses it (\"unexpected symbol near '\\xef'\")" : `invalid UTF-8 at byte ${problem.byteOffset}`,
    hint: bom ? 'save the file as UTF-8 without BOM' : 'save the file as UTF-8; write binary data in strings with decimal escapes such as "\\255"',
  });
}
