// The file events watch reacts to: chokidar's add, change and unlink under the project root,
// except what `ignored` leaves out. chokidar drops a second change of a file within 50 ms of
// the first (and sends nothing later): each changed file is looked at again once that window
// is over, and a difference counts as a change of its own.

import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { fileStamp } from '../io/file-memo.js';

/** chokidar's window for changes of one file: a second change within it emits no event. */
const CHOKIDAR_THROTTLE_MS = 50;

const stampOf = (path: string): string | undefined => {
  try {
    return fileStamp(path);
  } catch {
    return undefined; // gone
  }
};

/** Starts watching `root`; resolves once chokidar has read the tree. */
export async function watchFiles(root: string, ignored: (path: string) => boolean, onChange: (path: string) => void, signal: AbortSignal): Promise<FSWatcher> {
  const watcher = chokidarWatch(root, { ignored, ignoreInitial: true, awaitWriteFinish: false });
  const changed = (path: string): void => {
    const stamp = stampOf(path);
    setTimeout(() => {
      if (!signal.aborted && stampOf(path) !== stamp) changed(path);
    }, CHOKIDAR_THROTTLE_MS + 10).unref();
    onChange(path);
  };
  watcher.on('add', changed).on('change', changed).on('unlink', changed);
  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  return watcher;
}
