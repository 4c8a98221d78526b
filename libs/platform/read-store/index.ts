import { join } from 'node:path';
import { MongoReadStore } from './mongodb/mongodb-read-store';
import type { ReadStore } from './read-store.port';
import { SqliteReadStore, SqliteReadStoreOptions } from './sqlite/sqlite-read-store';

export * from './read-store.port';
export { ReadStoreError, DEFAULT_LIMIT, MAX_LIMIT } from './query';
export { SqliteReadStore } from './sqlite/sqlite-read-store';
export type { SqliteReadStoreOptions } from './sqlite/sqlite-read-store';
export { MongoReadStore } from './mongodb/mongodb-read-store';
export type { MongoReadStoreOptions } from './mongodb/mongodb-read-store';

export interface ReadStoreConfig {
  kind: 'sqlite' | 'mongodb';
  /** SQLite keeps its file here: `<dataDir>/read.sqlite`. */
  dataDir: string;
  mongoUrl?: string;
  mongoDatabase?: string;
  /** SQLite: who checkpoints the WAL (SqliteReadStoreOptions); the application runs a thread for it. */
  walCheckpoints?: SqliteReadStoreOptions['walCheckpoints'];
}

/** The SQLite read store's file in the data folder. */
export const READ_STORE_FILE = 'read.sqlite';

export function createReadStore(config: ReadStoreConfig): ReadStore {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteReadStore({ file: join(config.dataDir, READ_STORE_FILE), walCheckpoints: config.walCheckpoints });
    case 'mongodb':
      if (!config.mongoUrl) throw new Error("Read store 'mongodb' needs mongoUrl (MONGODB_URL).");
      return new MongoReadStore({ url: config.mongoUrl, database: config.mongoDatabase });
    default:
      throw new Error(`Unknown read store kind ${JSON.stringify((config as { kind: unknown }).kind)}: use 'sqlite' or 'mongodb'.`);
  }
}
