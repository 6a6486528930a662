// Reads that remember, for watch across rebuilds. Scripts are read again only when the
// watcher says they changed (forget): a thousand unchanged scripts cost nothing. Generated
// files, which the watcher does not watch, are read again when their inode, size or times
// differ from the last read (a thousand stats, not a thousand reads).

import { readFileSync, statSync } from 'node:fs';

interface Entry {
  stamp: string;
  value: Uint8Array | string;
}

export class FileMemo {
  private readonly entries = new Map<string, Entry>();

  /** Absolute paths that changed: their next read goes to the disk. */
  forget(paths: Iterable<string>): void {
    for (const p of paths) this.entries.delete(p);
  }

  /** A watched file: the bytes last read, until forget() names it. */
  readBytes(abs: string): Uint8Array {
    const known = this.entries.get(abs);
    if (known?.stamp === 'watched') return known.value as Uint8Array;
    const value = new Uint8Array(readFileSync(abs));
    this.entries.set(abs, { stamp: 'watched', value });
    return value;
  }

  /** A file nobody watches: the text last read while its inode, size and times are the same. */
  readText(abs: string): string {
    const st = statSync(abs);
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const known = this.entries.get(abs);
    if (known?.stamp === stamp) return known.value as string;
    const value = readFileSync(abs, 'utf8');
    this.entries.set(abs, { stamp, value });
    return value;
  }
}
