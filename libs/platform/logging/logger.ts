import pino, { Logger } from 'pino';

/**
 * Structured JSON logs on stdout. Every request log line carries its correlation id. Writes are
 * synchronous so the last lines of a shutdown (or a crash) are never lost when the process ends.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    { level, base: { service: 'billing' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}

export const LOGGER = Symbol('LOGGER');
export type { Logger };
