import { join } from 'node:path';
import { EventStore } from './event-store.port';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export * from './event-store.port';
export { SqliteEventStore, KurrentDbEventStore };
export { PROJECTOR_RECENT_EVENTS } from './sqlite/sqlite-event-store';
export type { SqliteEventStoreOptions, SqliteEventStoreStats } from './sqlite/sqlite-event-store';
export type { KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';

export interface EventStoreConfig {
  kind: 'sqlite' | 'kurrentdb';
  /** The data folder; the SQLite store lives in `<dataDir>/events.sqlite`. */
  dataDir: string;
  /** Required for kind 'kurrentdb' (the KURRENTDB_URL setting). */
  kurrentDbUrl?: string;
}

export const SQLITE_EVENTS_FILE = 'events.sqlite';

export function createEventStore(config: EventStoreConfig): EventStore {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteEventStore({ file: join(config.dataDir, SQLITE_EVENTS_FILE) });
    case 'kurrentdb':
      if (!config.kurrentDbUrl) {
        throw new Error(
          "Event store 'kurrentdb' needs a connection string: set KURRENTDB_URL (e.g. kurrentdb://localhost:2113?tls=false)",
        );
      }
      return new KurrentDbEventStore(config.kurrentDbUrl);
    default: {
      const kind: never = config.kind;
      throw new Error(`Unknown event store kind '${String(kind)}': use 'sqlite' or 'kurrentdb'`);
    }
  }
}
