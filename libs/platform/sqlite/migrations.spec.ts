import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { migrate, Migration, MigrationError } from './migrations';

const table = (name: string): Migration['up'] => (db) => db.exec(`CREATE TABLE IF NOT EXISTS ${name} (id INTEGER PRIMARY KEY)`);
const MIGRATIONS: Migration[] = [
  { version: 1, name: 'a', up: table('a') },
  { version: 2, name: 'b', up: table('b') },
  { version: 3, name: 'c', up: table('c') },
];
const tables = (db: Database.Database) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);

describe('SQLite schema migrations', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'migrations-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const open = () => new Database(path.join(dir, 'store.sqlite'));

  it('brings a new file to the latest version, each migration once, and then does nothing', () => {
    const db = open();
    expect(migrate(db, MIGRATIONS, 'test')).toEqual({ from: 0, to: 3, applied: ['1 a', '2 b', '3 c'] });
    expect(tables(db)).toEqual(['a', 'b', 'c']);
    expect(migrate(db, MIGRATIONS, 'test')).toEqual({ from: 3, to: 3, applied: [] });
    db.close();
  });

  it('applies only what a file lacks, in order', () => {
    const db = open();
    migrate(db, MIGRATIONS.slice(0, 1), 'test');
    const order: string[] = [];
    const traced = MIGRATIONS.map((m) => ({ ...m, up: (d: Database.Database) => (order.push(m.name), m.up(d)) }));
    expect(migrate(db, traced, 'test')).toEqual({ from: 1, to: 3, applied: ['2 b', '3 c'] });
    expect(order).toEqual(['b', 'c']);
    db.close();
  });

  it('rolls a failing migration back whole: the version stays, and its half-done work is undone', () => {
    const db = open();
    const failing: Migration = {
      version: 2,
      name: 'half',
      up: (d) => {
        d.exec('CREATE TABLE half (id INTEGER)');
        throw new Error('disk on fire');
      },
    };
    expect(() => migrate(db, [MIGRATIONS[0], failing], 'test')).toThrow('disk on fire');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['a']);
    db.close();
  });

  it('refuses a file written by a newer build, and migrations out of order', () => {
    const db = open();
    migrate(db, MIGRATIONS, 'test');
    expect(() => migrate(db, MIGRATIONS.slice(0, 2), 'events.sqlite')).toThrow(/events\.sqlite: the file is at schema version 3, newer than this build knows \(2\)/);
    expect(() => migrate(db, [MIGRATIONS[1]], 'test')).toThrow(MigrationError);
    db.close();
  });
});
