import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { enableWalMode } from './wal-mode';

const TRIALS = 40;
const PROCESSES = 3;

/**
 * One process of the race: for each trial, waits for the trial's common start instant, opens that trial's empty file
 * as the stores do (busy timeout 5 s) and switches it to WAL with the built helper, then writes; prints one line per
 * trial. Plain JavaScript run with `node -e`, on the built helper (`npm test` builds first).
 */
const RACER = `
const Database = require(process.argv[1]);
const { enableWalMode } = require(process.argv[2]);
const [files, start, spacing] = [JSON.parse(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
files.forEach((file, i) => {
  while (Date.now() < start + i * spacing) {}
  try {
    const db = new Database(file, { timeout: 5000 });
    const mode = enableWalMode(db);
    db.exec('CREATE TABLE IF NOT EXISTS t (a)');
    db.close();
    console.log(mode);
  } catch (error) {
    console.log('failed: ' + error.code + ' ' + error.message);
  }
});
`;

function race(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', RACER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim().split('\n')));
  });
}

describe('enableWalMode (the SQLite stores open their files in WAL mode)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'wal-mode-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("answers SQLite's journal mode: 'wal' for a file, 'memory' for a store in memory", () => {
    const file = new Database(path.join(dir, 'a.sqlite'));
    const memory = new Database(':memory:');
    expect([enableWalMode(file), enableWalMode(memory)]).toEqual(['wal', 'memory']);
    file.close();
    memory.close();
  });

  it('lets an error other than the lock through at once', () => {
    const db = new Database(path.join(dir, 'a.sqlite'));
    db.close();
    expect(() => enableWalMode(db)).toThrow(/not open/);
  });

  it('switches an empty file to WAL from three processes at once, every time (without the retry about one try in ten failed)', async () => {
    const files = Array.from({ length: TRIALS }, (_, i) => path.join(dir, `race-${i}.sqlite`));
    for (const file of files) closeSync(openSync(file, 'a', 0o600)); // created empty first, as createPrivateDatabaseFile does
    const helper = path.resolve(__dirname, '../../../dist/libs/platform/sqlite/wal-mode.js');
    const start = Date.now() + 1_000; // after every process has loaded
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, () => race([require.resolve('better-sqlite3'), helper, JSON.stringify(files), String(start), '60'])),
    );
    expect(outputs.flat().filter((line) => line !== 'wal')).toEqual([]);
    expect(outputs.flat()).toHaveLength(TRIALS * PROCESSES);
  }, 30_000);
});
