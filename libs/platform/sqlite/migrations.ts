import type Database from 'better-sqlite3';

/**
 * Ordered, versioned schema migrations for the embedded SQLite stores (issue 22, Must have 10). The file's version
 * is SQLite's own `PRAGMA user_version` (0 for a new file, or one made before this runner); each migration runs once,
 * in order, in its own IMMEDIATE transaction that also sets the version, so a crash leaves a file at one version or
 * the next, and two processes opening a file at once migrate it once (the second sees the version inside its lock).
 * Hand-written rather than a library (umzug, knex migrations): about forty lines on better-sqlite3's synchronous API,
 * no dependency, and the migrations stay plain functions beside the store that owns them.
 *
 * Migrations written when files could predate the runner must be idempotent (`CREATE … IF NOT EXISTS`): a file made
 * before versions existed is at 0 and replays them all.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export class MigrationError extends Error {}

export function migrate(db: Database.Database, migrations: readonly Migration[], store: string): MigrationResult {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) throw new MigrationError(`${store}: migration "${migration.name}" is numbered ${migration.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const from = versionOf(db);
  if (from > latest) {
    throw new MigrationError(`${store}: the file is at schema version ${from}, newer than this build knows (${latest}); run a build at least as new as the one that wrote it`);
  }
  const applied: string[] = [];
  for (const migration of migrations.slice(from)) {
    db.transaction(() => {
      if (versionOf(db) >= migration.version) return; // another process got there first
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(`${migration.version} ${migration.name}`);
    }).immediate();
  }
  return { from, to: versionOf(db), applied };
}

function versionOf(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}
