import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/**
 * Logs on stdout: JSON lines for machines (the default when stdout is not a terminal: a pipe, a file, a container's
 * log), or one readable line per record for people (`LOG_FORMAT=pretty`, the default at a terminal). Every request
 * line carries its correlation id. JSON lines are written asynchronously (pino's SonicBoom destination: a request's
 * line never waits for the write; lines logged meanwhile go out together), and whatever is still buffered is written
 * synchronously when the process (or the projector thread) exits, process.exit() and crashes included, so the last
 * lines of a shutdown are not lost. Pretty lines (a person at a terminal) stay synchronous.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', format: LogFormat = logFormatOf(process.env.LOG_FORMAT, process.stdout.isTTY === true)): Logger {
  const options = { level, base: { service: 'billing' }, timestamp: isoTime };
  if (format === 'pretty') {
    return pino(options, pretty({ sync: true, destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true }));
  }
  return pino(options, asyncStdout());
}

/**
 * pino's `isoTime`, the same text, made once per millisecond: a busy server logs several lines in one, and
 * `toISOString` was 2% of a GET's main thread (decision 0033).
 */
let timeMs = Number.NaN;
let timeText = '';
export function isoTime(): string {
  const now = Date.now();
  if (now !== timeMs) {
    timeMs = now;
    timeText = `,"time":"${new Date(now).toISOString()}"`;
  }
  return timeText;
}

/** One asynchronous stdout destination per thread, flushed synchronously on exit (decision 0019). */
let stdout: ReturnType<typeof pino.destination> | null = null;

function asyncStdout(): ReturnType<typeof pino.destination> {
  if (stdout) return stdout;
  const destination = pino.destination({ dest: 1, sync: false });
  process.on('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // Nothing left to write, or stdout is gone: nothing more can be done while exiting.
    }
  });
  stdout = destination;
  return destination;
}

/**
 * Writes out what the asynchronous destination still holds, waiting for a write in flight (SonicBoom's `flush(cb)`
 * does not wait for it when lines are written as they come). For a shutdown that ends by re-raising the signal, which
 * kills the process without an 'exit' event (Nest's shutdown hooks do).
 */
export async function drainLogs(timeoutMs = 2000): Promise<void> {
  const destination = stdout;
  if (!destination) return;
  const deadline = Date.now() + timeoutMs;
  while ((destination as unknown as { _writing: boolean })._writing && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
  try {
    destination.flushSync();
  } catch {
    // Nothing buffered, or stdout is gone.
  }
}

/** `LOG_FORMAT` as given (`json` or `pretty`), else pretty at a terminal and JSON elsewhere. */
export function logFormatOf(given: string | undefined, terminal: boolean): LogFormat {
  if (given === undefined || given === '') return terminal ? 'pretty' : 'json';
  if (given === 'json' || given === 'pretty') return given;
  throw new Error(`LOG_FORMAT must be json or pretty (got ${JSON.stringify(given)})`);
}

export const LOGGER = Symbol('LOGGER');
export type { Logger };
