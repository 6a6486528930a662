// RL005 facts: a UTF-8 BOM (Redis refuses it: "unexpected symbol near '\xef'") and byte
// sequences that are not UTF-8. In: bytes. Out: the byte offset and kind of the first problem.

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
