import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/**
 * Logs on stdout: JSON lines for machines (the default when stdout is not a terminal: a pipe, a file, a container's
 * log), or one readable line per record for people (`LOG_FORMAT=pretty`, the default at a terminal). Every request
 * line carries its correlation id. Writes are synchronous in both, so the last lines of a shutdown (or a crash)
 * are never lost when the process ends.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', format: LogFormat = logFormatOf(process.env.LOG_FORMAT, process.stdout.isTTY === true)): Logger {
  const options = { level, base: { service: 'billing' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'pretty') {
    return pino(options, pretty({ sync: true, destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true }));
  }
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

/** `LOG_FORMAT` as given (`json` or `pretty`), else pretty at a terminal and JSON elsewhere. */
export function logFormatOf(given: string | undefined, terminal: boolean): LogFormat {
  if (given === undefined || given === '') return terminal ? 'pretty' : 'json';
  if (given === 'json' || given === 'pretty') return given;
  throw new Error(`LOG_FORMAT must be json or pretty (got ${JSON.stringify(given)})`);
}

export const LOGGER = Symbol('LOGGER');
export type { Logger };
