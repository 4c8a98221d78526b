import pino, { Logger } from 'pino';

/** Structured JSON logs on stdout. Every request log line carries its correlation id. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'billing' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export const LOGGER = Symbol('LOGGER');
export type { Logger };
