// Reads that remember, for watch across rebuilds: a file is read again when its inode, size or
// times differ from the last read, or when the watcher named it (forget), so that a thousand
// unchanged scripts and wrappers cost a thousand stats, not a thousand reads. The stats are
// not skipped for the scripts the watcher did not name: it can miss a change (chokidar drops a
// second change of a file within 50 ms of the first).

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

  readBytes(abs: string): Uint8Array {
    return this.read(abs, 'bytes') as Uint8Array;
  }

  readText(abs: string): string {
    return this.read(abs, 'text') as string;
  }

  private read(abs: string, as: 'bytes' | 'text'): Uint8Array | string {
    const stamp = `${as}:${fileStamp(abs)}`;
    const known = this.entries.get(abs);
    if (known?.stamp === stamp) return known.value;
    const value = as === 'bytes' ? new Uint8Array(readFileSync(abs)) : readFileSync(abs, 'utf8');
    this.entries.set(abs, { stamp, value });
    return value;
  }
}

/** What changes whenever a file's content can have changed: inode, size, modification and change times. */
export function fileStamp(abs: string): string {
  const st = statSync(abs);
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}
