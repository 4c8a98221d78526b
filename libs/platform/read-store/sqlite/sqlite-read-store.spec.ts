import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { DocWrite } from '../read-store.port';
import { readStoreContract } from '../read-store.contract';
import { SqliteReadStore } from './sqlite-read-store';
import { WalCheckpointer } from './wal-checkpointer';

/** Captured before any spy, so a spied prepare can still reach the real one. */
const realPrepare = Database.prototype.prepare;
const root = mkdtempSync(join(tmpdir(), 'read-store-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
/** A fresh file per store, in a folder that does not exist yet (the store creates it). */
const newFile = (folder = 'own') => join(root, folder, `store-${++files}`, 'read.sqlite');

readStoreContract(
  'SqliteReadStore',
  async () => new SqliteReadStore({ file: newFile('contract') }),
  async () => rmSync(join(root, 'contract'), { recursive: true, force: true }),
);

describe('SqliteReadStore', () => {
  const spec = { name: 'items', indexes: ['amount'] };
  const upsert = (id: string, position: number, doc: Record<string, unknown> = { amount: position }): DocWrite => ({
    op: 'upsert',
    collection: 'items',
    tenantId: 't',
    id,
    doc,
    position,
  });

  it('creates its file and the WAL files 0600 and the folder it makes 0700; tightens a 0644 file', async () => {
    const mode = (path: string) => statSync(path).mode & 0o777;
    const file = newFile('modes');
    const store = new SqliteReadStore({ file });
    try {
      await store.ensureCollections([spec]);
      await store.apply([upsert('a', 1)], { name: 'proj', position: 1 });
      expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`), mode(dirname(file))]).toEqual([0o600, 0o600, 0o600, 0o700]);
    } finally {
      await store.close();
    }
    const old = newFile('modes');
    mkdirSync(dirname(old), { recursive: true });
    new Database(old).close();
    chmodSync(old, 0o644);
    const reopened = new SqliteReadStore({ file: old });
    await reopened.close();
    expect(mode(old)).toBe(0o600);
  });

  it('commits a batch and its checkpoint atomically: a write failing mid-batch leaves neither', async () => {
    const store = new SqliteReadStore({ file: newFile() });
    try {
      await store.ensureCollections([spec]);
      await store.apply([upsert('a', 1)], { name: 'proj', position: 1 });
      // JSON.stringify throws on a BigInt: the third write fails after two were executed.
      const failing = [upsert('b', 2), upsert('a', 3), upsert('c', 4, { amount: BigInt(4) })];
      await expect(store.apply(failing, { name: 'proj', position: 4 })).rejects.toThrow(/BigInt/);
      expect(await store.getCheckpoint('proj')).toBe(1);
      expect(await store.get('items', 't', 'a')).toEqual({ amount: 1, id: 'a', _position: 1 });
      expect(await store.get('items', 't', 'b')).toBeNull();
      // The store stays usable after the rollback.
      await store.apply([upsert('b', 2)], { name: 'proj', position: 2 });
      expect(await store.getCheckpoint('proj')).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('group commit: the applies of one turn share one transaction; a failing one is rolled back alone', async () => {
    const store = new SqliteReadStore({ file: newFile() });
    try {
      await store.ensureCollections([spec]);
      const before = store.stats.commits;
      const results = await Promise.allSettled([
        store.apply([upsert('a', 1)], { name: 'one', position: 1 }),
        // JSON.stringify throws on a BigInt: this apply fails after its first write was executed.
        store.apply([upsert('b', 2), upsert('c', 3, { amount: BigInt(3) })], { name: 'two', position: 3 }),
        store.setCheckpoint('three', 4),
        store.apply([upsert('d', 5)], { name: 'one', position: 5 }),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(store.stats.commits - before).toBe(1);
      expect(await store.getCheckpoint('one')).toBe(5);
      expect(await store.getCheckpoint('two')).toBeNull();
      expect(await store.get('items', 't', 'b')).toBeNull();
      expect(await store.getCheckpoint('three')).toBe(4);
      expect(await store.get('items', 't', 'd')).toEqual({ amount: 5, id: 'd', _position: 5 });
    } finally {
      await store.close();
    }
  });

  it('group commit: a group whose applies all succeed commits in one go, without a savepoint per apply', async () => {
    const store = new SqliteReadStore({ file: newFile() });
    const perApply = jest.spyOn(store as unknown as { applyInTransaction: () => void }, 'applyInTransaction');
    try {
      await store.ensureCollections([spec]);
      await Promise.all([store.apply([upsert('a', 1)], { name: 'one', position: 1 }), store.apply([upsert('b', 2)]), store.setCheckpoint('two', 2)]);
      expect(perApply).not.toHaveBeenCalled();
      expect(await store.get('items', 't', 'b')).toEqual({ amount: 2, id: 'b', _position: 2 });
      // One failing apply: the group is rolled back and committed again apply by apply (one savepoint each).
      const results = await Promise.allSettled([store.apply([upsert('c', 3)]), store.apply([upsert('d', 4, { amount: BigInt(4) })])]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
      expect(perApply).toHaveBeenCalledTimes(2);
      expect(await store.get('items', 't', 'c')).toEqual({ amount: 3, id: 'c', _position: 3 });
    } finally {
      await store.close();
    }
  });

  it("walCheckpoints 'thread': a thread copies the WAL into the database file; commits do not", async () => {
    const write = async (store: SqliteReadStore) => {
      await store.ensureCollections([spec]);
      for (let i = 0; i < 20; i++) await store.apply(Array.from({ length: 50 }, (_, j) => upsert(`k${i}-${j}`, i * 50 + j + 1, { amount: i, pad: 'x'.repeat(500) })));
    };
    // Below SQLite's own threshold (10,000 pages) nothing reaches the database file before close ...
    const byCommitFile = newFile();
    const byCommit = new SqliteReadStore({ file: byCommitFile });
    await write(byCommit);
    const untouched = statSync(byCommitFile).size;
    await byCommit.close();

    // ... while the thread copies it within its interval, the store still open.
    const file = newFile();
    const store = new SqliteReadStore({ file, walCheckpoints: 'thread' });
    try {
      await write(store);
      const start = performance.now();
      // Every 50 ms when idle; up to 20 s for a machine so loaded that the thread starts late (it failed once at 5 s).
      while (store.stats.walCheckpoints.frames === 0 && performance.now() - start < 20_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(store.stats.walCheckpoints.checkpoints).toBeGreaterThan(0);
      expect(statSync(file).size).toBeGreaterThan(untouched + 500 * 1000);
      expect((await store.find('items', 't', { filter: { amount: 19 } })).items).toHaveLength(50);
    } finally {
      await store.close();
    }
  });

  it('fsyncs every commit that writes documents; a commit of checkpoints alone, or on a log-derived connection, is not synced', async () => {
    const file = newFile();
    const store = new SqliteReadStore({ file });
    const derived = new SqliteReadStore({ file, durability: 'log-derived' });
    try {
      await store.ensureCollections([spec]);
      await derived.ensureCollections([spec]);
      expect(store.durabilitySettings()).toEqual({ journalMode: 'wal', synchronous: 2 });
      // Two process managers' checkpoints in one turn: one commit, not synced.
      await Promise.all([store.setCheckpoint('pm-a', 5), store.setCheckpoint('pm-b', 5)]);
      expect(store.stats).toMatchObject({ commits: 1, unsyncedCommits: 1 });
      expect(store.durabilitySettings().synchronous).toBe(1);
      // Documents in the group: synced, whatever else the group holds.
      await Promise.all([store.setCheckpoint('pm-a', 6), store.apply([upsert('a', 6)], { name: 'proj', position: 6 })]);
      expect(store.stats).toMatchObject({ commits: 2, unsyncedCommits: 1 });
      expect(store.durabilitySettings().synchronous).toBe(2);
      await store.deleteCheckpoint('pm-b');
      expect(store.durabilitySettings().synchronous).toBe(2);
      // The log-derived connection never syncs; its commits are visible to the other connection at once.
      expect(derived.durabilitySettings().synchronous).toBe(1);
      await derived.apply([upsert('b', 7)], { name: 'proj', position: 7 });
      expect(derived.stats).toMatchObject({ commits: 1, unsyncedCommits: 1 });
      expect(derived.durabilitySettings().synchronous).toBe(1);
      expect(await store.get('items', 't', 'b')).toMatchObject({ amount: 7, _position: 7 });
      expect(await store.getCheckpoint('proj')).toBe(7);
      expect([await store.getCheckpoint('pm-a'), await store.getCheckpoint('pm-b')]).toEqual([6, null]);
    } finally {
      await derived.close();
      await store.close();
    }
  });

  it("versions its own tables (PRAGMA user_version): a file from before versions keeps its checkpoints; a newer file's is refused", async () => {
    const old = newFile('versions');
    mkdirSync(dirname(old), { recursive: true });
    const made = new Database(old);
    made.exec(`CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL); INSERT INTO checkpoints VALUES ('proj', 42)`);
    made.close();
    const store = new SqliteReadStore({ file: old });
    expect(await store.getCheckpoint('proj')).toBe(42);
    await store.close();
    const opened = new Database(old);
    expect(opened.pragma('user_version', { simple: true })).toBe(1);
    opened.pragma('user_version = 2');
    opened.close();
    expect(() => new SqliteReadStore({ file: old })).toThrow(/schema version 2, newer than this build knows \(1\)/);
  });

  it('close() waits for the checkpoint thread to exit, also when nothing else keeps the process alive', () => {
    // A process of its own: under Jest something always keeps the event loop alive. It runs the build (npm test builds first).
    const built = join(__dirname, '../../../../dist/libs/platform/read-store/sqlite/sqlite-read-store.js');
    const script = `const { SqliteReadStore } = require(${JSON.stringify(built)});
      const store = new SqliteReadStore({ file: process.argv[1], walCheckpoints: 'thread' });
      store.ensureCollections([{ name: 'items', indexes: [] }]).then(() => store.close()).then(() => console.log('closed'));`;
    expect(execFileSync(process.execPath, ['-e', script, newFile()], { encoding: 'utf8' }).trim()).toBe('closed');
  });

  it('a WAL checkpointer whose connection fails reports it, and the store then checkpoints in its commits again', async () => {
    const failure = await new Promise<Error>((resolve) => new WalCheckpointer(join(root, 'missing-folder', 'read.sqlite'), resolve));
    expect(failure.message).toMatch(/directory does not exist|unable to open/);

    const store = new SqliteReadStore({ file: newFile(), walCheckpoints: 'thread' });
    const internals = store as unknown as { db: Database.Database; checkpointer: { worker: { emit(event: 'error', error: Error): void } } };
    try {
      expect(internals.db.pragma('wal_autocheckpoint', { simple: true })).toBe(100_000);
      internals.checkpointer.worker.emit('error', new Error('disk I/O error'));
      expect(internals.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    } finally {
      await store.close();
    }
  });

  it('a queued checkpoint or write is committed before a delete, a drop or close', async () => {
    const file = newFile();
    const store = new SqliteReadStore({ file });
    await store.ensureCollections([spec]);
    const set = store.setCheckpoint('gone', 7);
    await store.deleteCheckpoint('gone');
    await set;
    expect(await store.getCheckpoint('gone')).toBeNull();
    const applied = store.apply([upsert('a', 1)]);
    await store.dropCollections(['items']);
    await applied;
    expect(await store.get('items', 't', 'a')).toBeNull();
    const last = store.apply([upsert('z', 9)], { name: 'kept', position: 9 });
    await store.close();
    await last;
    const reopened = new SqliteReadStore({ file });
    try {
      await reopened.ensureCollections([spec]);
      expect(await reopened.getCheckpoint('kept')).toBe(9);
    } finally {
      await reopened.close();
    }
  });

  it('a group commit that finds the write lock taken waits for it without putting the thread to sleep, in order; after lockTimeoutMs it fails', async () => {
    const file = newFile();
    const store = new SqliteReadStore({ file, lockTimeoutMs: 300 });
    const other = new Database(file);
    try {
      await store.ensureCollections([spec]);
      other.prepare('BEGIN IMMEDIATE').run(); // another connection (the projector thread's) holds the write lock
      let settled = 0;
      const first = store.apply([upsert('a', 1)], { name: 'proj', position: 1 }).then(() => (settled += 1));
      const second = store.setCheckpoint('proj', 2).then(() => (settled += 1));
      // The event loop keeps turning meanwhile: with SQLite's busy handler this thread would sleep in the commit.
      let turns = 0;
      const started = performance.now();
      while (performance.now() - started < 100) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        turns += 1;
      }
      expect(turns).toBeGreaterThan(20);
      expect(settled).toBe(0);
      other.prepare('COMMIT').run();
      await Promise.all([first, second]);
      expect(await store.get('items', 't', 'a')).toEqual({ amount: 1, id: 'a', _position: 1 });
      expect(await store.getCheckpoint('proj')).toBe(2); // committed in the order they were queued

      other.prepare('BEGIN IMMEDIATE').run();
      const refused = store.apply([upsert('b', 2)], { name: 'proj', position: 3 });
      await expect(refused).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      other.prepare('ROLLBACK').run();
      expect(await store.get('items', 't', 'b')).toBeNull();
      expect(await store.getCheckpoint('proj')).toBe(2);
      await store.apply([upsert('b', 2)], { name: 'proj', position: 3 }); // usable again
      expect(await store.getCheckpoint('proj')).toBe(3);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('opens a file of the expression-index layout: fills the index columns from the documents, drops the old indexes', async () => {
    const file = newFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec(`CREATE TABLE "rm_items" (tenant_id TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, doc TEXT, PRIMARY KEY (tenant_id, id))`);
    old.exec(`CREATE INDEX "ix_items.amount" ON "rm_items" (tenant_id, json_extract(doc, '$.amount'), id)`);
    const insert = old.prepare(`INSERT INTO "rm_items" VALUES ('t', ?, ?, ?)`);
    insert.run('a', 1, JSON.stringify({ amount: 5, contact: { email: 'x@y' } }));
    insert.run('b', 2, JSON.stringify({ amount: 2 }));
    insert.run('gone', 3, null);
    old.close();

    const store = new SqliteReadStore({ file });
    try {
      await store.ensureCollections([{ name: 'items', indexes: ['amount', 'contact.email'] }]);
      expect((await store.find('items', 't', { sortBy: 'amount' })).items.map((doc) => doc.id)).toEqual(['b', 'a']);
      expect((await store.find('items', 't', { filter: { 'contact.email': 'x@y' } })).items.map((doc) => doc.id)).toEqual(['a']);
      const raw = (store as unknown as { db: Database.Database }).db;
      const names = (raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_items'`).all() as Array<{ name: string }>).map((row) => row.name);
      expect(names).not.toContain('ix_items.amount');
      expect(names).toEqual(expect.arrayContaining(['ixc_items.amount', 'ixc_items.contact.email']));
    } finally {
      await store.close();
    }
  });

  it('declares its collections while another process commits to the file (the split deployment starts three at once)', async () => {
    // A deferred transaction that read the schema and then must write (ALTER TABLE) fails at once with
    // SQLITE_BUSY_SNAPSHOT, without waiting, when another connection committed in between: the command API
    // failed to start that way in CI. Declaring takes the write lock first, so it waits its turn instead.
    const file = newFile();
    const first = new SqliteReadStore({ file });
    await first.ensureCollections([{ name: 'items', indexes: [] }]);
    const writer = `const Database = require('better-sqlite3'); const db = new Database(process.argv[1], { timeout: 5000 });
      db.exec('CREATE TABLE IF NOT EXISTS busy (n INTEGER)'); const insert = db.prepare('INSERT INTO busy VALUES (1)');
      process.stdout.write('ready\\n'); const end = Date.now() + 20000; while (Date.now() < end) insert.run();`;
    const child = spawn(process.execPath, ['-e', writer, file], { cwd: join(__dirname, '../../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      for (let round = 0; round < 40; round += 1) {
        const store = new SqliteReadStore({ file });
        try {
          await store.ensureCollections([{ name: 'items', indexes: [`field${round}`] }]);
        } finally {
          await store.close();
        }
      }
    } finally {
      child.kill('SIGKILL');
      await first.close();
    }
  }, 30_000);

  it('keeps the index columns equal to json_extract of the documents through upserts, patches, deletes', async () => {
    const store = new SqliteReadStore({ file: newFile() });
    try {
      await store.ensureCollections([{ name: 'items', indexes: ['amount', 'flag', 'contact.email', 'tags'] }]);
      await store.apply([
        upsert('a', 1, { amount: 1, flag: true, contact: { email: 'a@x' }, tags: ['t'] }),
        upsert('b', 2, { amount: 'two', flag: false }),
        { op: 'patch', collection: 'items', tenantId: 't', id: 'a', fields: { contact: { phone: '1' }, amount: 3.5 }, position: 3 },
        { op: 'patch', collection: 'items', tenantId: 't', id: 'b', fields: { flag: undefined, 'sa"y': 1, contact: { email: 'b@x' } }, position: 4 },
        { op: 'delete', collection: 'items', tenantId: 't', id: 'a', position: 5 },
        upsert('c', 6, { amount: null, other: 1 }),
      ]);
      const raw = (store as unknown as { db: Database.Database }).db;
      const mismatches = raw
        .prepare(
          `SELECT id FROM "rm_items" WHERE "c_amount" IS NOT json_extract(doc, '$.amount') OR "c_flag" IS NOT json_extract(doc, '$.flag')
             OR "c_contact.email" IS NOT json_extract(doc, '$.contact.email') OR "c_tags" IS NOT json_extract(doc, '$.tags')`,
        )
        .all();
      expect(mismatches).toEqual([]);
      expect((await store.find('items', 't', { filter: { 'contact.email': 'b@x' } })).items.map((doc) => doc.id)).toEqual(['b']);
    } finally {
      await store.close();
    }
  });

  it('patches fields with any name: dots, quotes, backslashes, spaces, non-ASCII', async () => {
    const store = new SqliteReadStore({ file: newFile() });
    try {
      await store.ensureCollections([spec]);
      const fields = { 'a.b': 1, 'say "hi"': 'x', 'back\\slash': [1], ' ': null, amount: undefined, 'é': { n: 1 } };
      await store.apply([upsert('a', 1, { amount: 1, 'a.b': 0, keep: true }), { op: 'patch', collection: 'items', tenantId: 't', id: 'a', fields, position: 2 }]);
      await store.apply([{ op: 'patch', collection: 'items', tenantId: 't', id: 'a', fields: { 'a.b': 2, ' ': 'sp', 'é': { n: 2 }, keep: undefined, added: 'ok' }, position: 3 }]);
      expect(await store.get('items', 't', 'a')).toEqual({
        'a.b': 2,
        'say "hi"': 'x',
        'back\\slash': [1],
        ' ': 'sp',
        'é': { n: 2 },
        added: 'ok',
        id: 'a',
        _position: 3,
      });
    } finally {
      await store.close();
    }
  });

  it('keeps documents, tombstones, checkpoints and indexes across a reopen, in WAL mode', async () => {
    const file = newFile();
    const first = new SqliteReadStore({ file });
    await first.ensureCollections([spec]);
    await first.apply([upsert('a', 1), upsert('b', 2), { op: 'delete', collection: 'items', tenantId: 't', id: 'b', position: 3 }], {
      name: 'proj',
      position: 3,
    });
    await first.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const indexes = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_items'`).all();
    expect(indexes).toContainEqual({ name: 'ixc_items.amount' });
    raw.close();

    const second = new SqliteReadStore({ file });
    try {
      await second.ensureCollections([spec]);
      expect(await second.get('items', 't', 'a')).toEqual({ amount: 1, id: 'a', _position: 1 });
      await second.apply([upsert('b', 2)]);
      expect(await second.get('items', 't', 'b')).toBeNull();
      expect(await second.getCheckpoint('proj')).toBe(3);
    } finally {
      await second.close();
    }
  });

  it('pages through an index column by seeking, without a temporary sort', async () => {
    const file = newFile();
    const store = new SqliteReadStore({ file });
    const prepared: string[] = [];
    const prepare = jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql) {
      prepared.push(sql);
      return realPrepare.call(this, sql);
    });
    try {
      await store.ensureCollections([spec]);
      await store.apply(Array.from({ length: 30 }, (_, i) => upsert(`k${i}`, i + 1, { amount: i % 5, status: 'x' })));
      const first = await store.find('items', 't', { sortBy: 'amount', limit: 10 });
      await store.find('items', 't', { sortBy: 'amount', limit: 10, cursor: first.nextCursor });
    } finally {
      prepare.mockRestore();
      await store.close();
    }
    const pageQuery = prepared.filter((sql) => sql.includes('sort_value') && sql.includes('OR id >')).pop();
    expect(pageQuery).toBeDefined();
    const raw = new Database(file, { readonly: true });
    const params = Array.from({ length: (pageQuery!.match(/\?/g) ?? []).length }, () => 1);
    const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${pageQuery}`).all(...params) as Array<{ detail: string }>)
      .map((row) => row.detail)
      .join('\n');
    raw.close();
    expect(plan).toMatch(/USING INDEX ixc_items\.amount \(tenant_id=\? AND c_amount>\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
