import { ExpectedRevision, NewEvent, StreamAppend } from './event-store.port';

/** Default upper bound on the events handed over in one subscription batch (the port's default). */
export const DEFAULT_BATCH_SIZE = 500;

/**
 * Checks an append's arguments the same way in every adapter. An empty `events` array is rejected
 * (RangeError) rather than treated as a no-op: an append that writes nothing has no position to return,
 * and a caller with nothing to write should not call the store. Names starting with '$' are KurrentDB's
 * system namespace (hidden from $all reads), so both adapters refuse them for streams and event types.
 */
export function assertValidAppend(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof stream !== 'string' || stream.length === 0 || stream.startsWith('$')) {
    throw new RangeError(`appendToStream: the stream name must be a non-empty string not starting with '$', got '${stream}'`);
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new RangeError(`appendToStream(${stream}): events must be a non-empty array`);
  }
  if (!isValidExpectedRevision(expected)) {
    throw new RangeError(
      `appendToStream(${stream}): expected revision must be 'no_stream', 'any' or an integer >= -1, got ${String(expected)}`,
    );
  }
  events.forEach((event, index) => assertValidEvent(stream, event, index));
}

/** Checks every part of an `appendToStreams` call as `assertValidAppend` does, and that no stream comes twice. */
export function assertValidAppends(appends: readonly StreamAppend[]): void {
  if (!Array.isArray(appends)) throw new RangeError('appendToStreams: appends must be an array');
  const streams = new Set<string>();
  for (const { stream, events, expectedRevision } of appends) {
    assertValidAppend(stream, events, expectedRevision);
    if (streams.has(stream)) throw new RangeError(`appendToStreams: stream ${stream} appears more than once`);
    streams.add(stream);
  }
}

/** Counts and revisions: non-negative integers (or at least `min`). */
export function assertValidCount(name: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

function isValidExpectedRevision(expected: unknown): expected is ExpectedRevision {
  return expected === 'no_stream' || expected === 'any' || (Number.isSafeInteger(expected) && (expected as number) >= -1);
}

function assertValidEvent(stream: string, event: NewEvent, index: number): void {
  const where = `appendToStream(${stream}): event ${index}`;
  if (typeof event?.id !== 'string' || event.id.length === 0) throw new RangeError(`${where}: id must be a non-empty string`);
  if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
    throw new RangeError(`${where}: type must be a non-empty string not starting with '$'`);
  }
  if (!isPlainObject(event.data)) throw new RangeError(`${where}: data must be a JSON object`);
  if (!isPlainObject(event.metadata)) throw new RangeError(`${where}: metadata must be a JSON object`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
