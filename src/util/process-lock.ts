import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

/** Another live process holds the lock. */
export class LockedError extends Error {
  constructor(
    message: string,
    readonly pid: number,
  ) {
    super(message);
    this.name = 'LockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock held through a file created with O_EXCL, holding the owner's pid. A lock left behind by a process
 * that died (kill -9, power loss) is taken over: its pid is no longer alive. Returns the release function.
 */
export function acquireProcessLock(file: string, what: string): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new LockedError(`${what} is already running (pid ${pid}). Wait for it to finish; if it is stuck, stop it and run again (lock: ${file})`, pid);
      }
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`cannot take the lock ${file}`);
}
