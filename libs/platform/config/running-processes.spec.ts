import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { markRunning, runningProcesses } from './running-processes';

describe('the processes serving a data folder', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'running-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists a live process by pid and app, and forgets it once its mark is removed', () => {
    const remove = markRunning(dataDir, 'worker', 424242);
    expect(runningProcesses(dataDir, (pid) => pid === 424242)).toEqual([{ pid: 424242, app: 'worker' }]);
    remove();
    expect(runningProcesses(dataDir, () => true)).toEqual([]);
  });

  it('removes the stale mark of a process that is gone (kill -9), and ignores files that are no marks', () => {
    markRunning(dataDir, 'all-in-one', 424243);
    writeFileSync(path.join(dataDir, 'running', 'notes.txt'), 'x');
    expect(runningProcesses(dataDir, () => false)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'running', '424243'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'running', 'notes.txt'))).toBe(true);
  });

  it('a folder no app has served lists none', () => {
    expect(runningProcesses(path.join(dataDir, 'never-used'))).toEqual([]);
  });
});
