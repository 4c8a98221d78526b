/**
 * The chain thread (SqliteEventStore.verifyChain): opens the event store's file on a connection of its own, checks
 * one tenant's kept chain against its events (./chain-verification.ts), answers once and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { verifyChainOn } from './chain-verification';

const { file, tenantId, through, maxBreaks } = workerData as { file: string; tenantId: string; through: number; maxBreaks: number };
const db = new Database(file, { fileMustExist: true });
try {
  parentPort?.postMessage({ ok: true, result: verifyChainOn(db, tenantId, through, maxBreaks) });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
} finally {
  db.close();
}
