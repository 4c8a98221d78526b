import Database from 'better-sqlite3';
import { isBusy } from './errors';
import { createPrivateDatabaseFile, restrictSqliteCompanionFiles } from './private-files';

/**
 * How every SQLite store of the product opens its file: created private (0600, its folder 0700), opened with the busy
 * timeout, switched to WAL (`enableWalMode`), its `-wal` and `-shm` files made private too. The journal mode is
 * SQLite's answer ('wal', or 'memory' for ':memory:'), for a store that must refuse anything else.
 */
export function openWalDatabase(file: string, busyTimeoutMs = 5_000): { db: Database.Database; journalMode: string } {
  createPrivateDatabaseFile(file);
  const db = new Database(file, { timeout: busyTimeoutMs });
  const journalMode = enableWalMode(db, busyTimeoutMs);
  restrictSqliteCompanionFiles(file);
  return { db, journalMode };
}

/**
 * Puts a connection's file in WAL mode and returns the journal mode SQLite reports ('wal', or 'memory' for ':memory:').
 *
 * Why a retry: processes that start together on a new data folder (a split deployment's command API, query API and
 * worker) each switch the same empty file to WAL. The switch reads the header under a shared lock and then needs the
 * exclusive one; when two hold the shared lock and both want to write, SQLite breaks the deadlock by failing one at
 * once with SQLITE_BUSY, without calling the busy handler, whatever the busy timeout. Three processes doing it at
 * once on a fresh file failed that way in 4 of 40 tries; the one that failed only has to ask again.
 */
export function enableWalMode(db: Database.Database, waitMs = 5_000): string {
  const deadline = performance.now() + waitMs;
  for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
    try {
      return String(db.pragma('journal_mode = WAL', { simple: true }));
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
      sleepSync(delayMs);
    }
  }
}

/** Opening a store is synchronous (constructors), and this happens only at start, so the thread may sleep here. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
