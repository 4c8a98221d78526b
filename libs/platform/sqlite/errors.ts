/** SQLITE_BUSY and its extended codes (better-sqlite3's SqliteError, duck-typed: one class per realm under Jest). */
export function isBusy(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');
}
