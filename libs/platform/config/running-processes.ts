import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Which processes serve a data folder: each app writes `DATA_DIR/running/<pid>` when it starts and removes it when it
 * ends, so offline tools (`npm run rebuild`) can refuse to run beside a live one (a rebuild drops the read models a
 * running worker is writing). A file whose process is gone (kill -9, power cut) is stale and ignored. Pids are
 * this machine's: the embedded stores are local files.
 */
const FOLDER = 'running';

/** Marks this process as serving `dataDir` until it exits; returns what removes the mark (also done at exit). */
export function markRunning(dataDir: string, app: string, pid = process.pid): () => void {
  const folder = path.join(dataDir, FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = path.join(folder, String(pid));
  writeFileSync(file, `${JSON.stringify({ app, pid })}\n`, { mode: 0o600 });
  const remove = () => rmSync(file, { force: true });
  process.once('exit', remove);
  return remove;
}

/** The live processes serving `dataDir` (their pids and apps); stale marks are removed on the way. */
export function runningProcesses(dataDir: string, alive: (pid: number) => boolean = isAlive): Array<{ pid: number; app: string }> {
  const folder = path.join(dataDir, FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const running: Array<{ pid: number; app: string }> = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    if (pid !== process.pid && alive(pid)) {
      running.push({ pid, app: appOf(path.join(folder, name)) });
    } else if (pid !== process.pid) {
      rmSync(path.join(folder, name), { force: true });
    }
  }
  return running;
}

function appOf(file: string): string {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { app?: string }).app ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
