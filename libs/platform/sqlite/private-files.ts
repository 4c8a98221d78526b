import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Data files are for this service's user alone (issue 15): the database file 0600, the folders made for it 0700.
 * The file is created before SQLite opens it, with its mode (never through the process umask: this is a
 * library); SQLite gives the `-wal` and `-shm` files it makes the mode of the database file. Used through
 * openWalDatabase (./wal-mode.ts), how every SQLite store opens its file.
 */
export function createPrivateDatabaseFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  // Only the folders made here get 0700: an existing data folder keeps the mode its owner gave it.
  mkdirSync(dirname(resolve(file)), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600)); // 'a': creates a missing file, never truncates an existing one
  restrict(file); // a file made by an older version is 0644
}

/** After WAL mode is on: `-wal`/`-shm` files left by an older version keep their old mode unless changed. */
export function restrictSqliteCompanionFiles(file: string): void {
  if (file === ':memory:' || file === '') return;
  for (const suffix of ['-wal', '-shm']) restrict(`${file}${suffix}`);
}

function restrict(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    // Missing (no WAL yet), or not this user's file (EPERM): its owner decides its mode.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
