import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Calls `onChange` after files under `paths` change. Files are watched through their parent
 * directory because editors and `kubectl`-style tools replace files (rename) rather than write
 * in place, which a watch on the file itself would miss. Bursts are coalesced (`settleMs`), so
 * writing five manifests triggers one reload, not five.
 */
export function watchPaths(paths: string[], onChange: () => void, settleMs = 100): { close(): void } {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, settleMs);
  };
  for (const p of paths.map((x) => resolve(x))) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      // A missing file may appear later: watch its directory for it.
    }
    const dir = isDir ? p : dirname(p);
    const only = isDir ? undefined : basename(p);
    const w = watch(dir, { persistent: true }, (_event, name) => {
      if (only === undefined || name === null || name === only) fire();
    });
    w.on('error', () => fire());
    watchers.push(w);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
