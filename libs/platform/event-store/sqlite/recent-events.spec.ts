import { RecordedEvent } from '../event-store.port';
import { RecentEvents, RecentEventsOptions } from './recent-events';

/** A log of positions 1..n: odd positions are `A`, even ones `B`, each of `size` stored characters; the reads it served are counted. */
function log(n: number, size = 10) {
  let head = n;
  const reads: [number, number][] = [];
  const event = (position: number): RecordedEvent =>
    Object.freeze({ id: `e${position}`, type: position % 2 ? 'A' : 'B', data: {}, metadata: { tenantId: 't' } as RecordedEvent['metadata'], streamName: 's', revision: position - 1, position, recordedAt: '' });
  const readRange = (after: number, through: number) => {
    reads.push([after, through]);
    const events = Array.from({ length: through - after }, (_, i) => event(after + i + 1));
    return { events, sizes: events.map(() => size) };
  };
  return { readRange, reads, append: (count: number) => (head += count), head: () => head };
}
const positions = (read: { events: RecordedEvent[] } | null) => read?.events.map((e) => e.position);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const options = (overrides: Partial<RecentEventsOptions>): RecentEventsOptions => ({ capacity: 100, maxChars: 1_000_000, maxGap: 50, fillChunk: 1_000, ...overrides });

describe('RecentEvents (the tail of the log the live subscriptions share)', () => {
  it('reads the new events once for every subscription, each filtering its own types', () => {
    const file = log(10);
    const recent = new RecentEvents(file.readRange, options({}));
    expect(recent.read(4, file.head(), 100, new Set(['A']))).toEqual({ events: expect.any(Array), through: 10 });
    expect(positions(recent.read(4, file.head(), 100, new Set(['A'])))).toEqual([5, 7, 9]);
    expect(positions(recent.read(6, file.head(), 100, new Set(['B'])))).toEqual([8, 10]);
    expect(positions(recent.read(4, file.head(), 100, undefined))).toEqual([5, 6, 7, 8, 9, 10]);
    file.append(3);
    expect(positions(recent.read(10, file.head(), 100, new Set(['A'])))).toEqual([11, 13]);
    expect(positions(recent.read(9, file.head(), 100, new Set(['B'])))).toEqual([10, 12]);
    expect(file.reads).toEqual([[4, 10], [10, 13]]);
  });

  it('stops at `limit`, saying how far it looked; the window end when it did not stop', () => {
    const file = log(20);
    const recent = new RecentEvents(file.readRange, options({}));
    expect(recent.read(0, 20, 3, new Set(['B']))).toMatchObject({ through: 6 });
    expect(recent.read(0, 20, 100, new Set(['C']))).toEqual({ events: [], through: 20 });
  });

  it('sends a subscription behind the window or far behind the head to the file (null), and keeps its window whole', () => {
    const file = log(100);
    const recent = new RecentEvents(file.readRange, options({ capacity: 30, maxGap: 40 }));
    expect(recent.read(10, 100, 100, undefined)).toBeNull(); // 90 behind the head: a catch-up
    expect(positions(recent.read(70, 100, 100, undefined))).toHaveLength(30);
    file.append(20);
    expect(positions(recent.read(100, 120, 100, undefined))).toEqual(range(101, 120));
    // Only the last 30 are kept now: 90 and after. A reader at 80 goes to the file; one at 90 is served.
    expect(recent.read(80, 120, 100, undefined)).toBeNull();
    expect(positions(recent.read(90, 120, 100, undefined))).toHaveLength(30);
  });

  it('follows a burst a chunk at a time: the readers inside the window keep sharing it however far the head ran', () => {
    const file = log(5);
    const recent = new RecentEvents(file.readRange, options({ capacity: 1_000, maxGap: 50, fillChunk: 25 }));
    expect(positions(recent.read(0, file.head(), 100, undefined))).toEqual(range(1, 5));
    file.append(200); // far more than maxGap since the window's end, appended by another connection
    expect(positions(recent.read(5, file.head(), 100, undefined))).toEqual(range(6, 30));
    expect(positions(recent.read(10, file.head(), 100, new Set(['A'])))).toEqual([11, 13, 15, 17, 19, 21, 23, 25, 27, 29]); // what the window has
    expect(positions(recent.read(30, file.head(), 100, undefined))).toEqual(range(31, 55));
    expect(positions(recent.read(30, file.head(), 100, new Set(['B'])))).toEqual(range(31, 55).filter((p) => p % 2 === 0));
    expect(file.reads).toEqual([[0, 5], [5, 30], [30, 55]]); // each chunk read once, by whoever reached the end first
  });

  it('keeps at most `maxChars` of stored events, dropping the oldest, but never what the reader it fills for is about to read', () => {
    const file = log(100, 10);
    const recent = new RecentEvents(file.readRange, options({ capacity: 1_000, maxGap: 200, maxChars: 300, fillChunk: 50 }));
    expect(positions(recent.read(0, 100, 100, undefined))).toEqual(range(1, 50)); // 500 characters: nothing before 0 to drop
    expect(positions(recent.read(50, 100, 100, undefined))).toEqual(range(51, 100));
    // 1..50 went (all at or before the reader), 51..100 stay although 500 > 300: they are the reader's.
    expect(recent.read(40, 100, 100, undefined)).toBeNull();
    expect(positions(recent.read(50, 100, 100, undefined))).toEqual(range(51, 100));
    file.append(10);
    expect(positions(recent.read(100, file.head(), 100, undefined))).toEqual(range(101, 110));
    // Now 30 events of 10 characters are kept: 81..110.
    expect(recent.read(79, file.head(), 100, undefined)).toBeNull();
    expect(positions(recent.read(80, file.head(), 100, undefined))).toEqual(range(81, 110));
  });
});

describe('RecentEvents with named readers (the subscriptions)', () => {
  it('drops the events every reader has passed, so a window whose readers keep up holds little', () => {
    const file = log(100);
    const recent = new RecentEvents(file.readRange, options({ capacity: 1_000, maxGap: 200, fillChunk: 40 }));
    const [fast, slow] = [{}, {}];
    expect(positions(recent.read(0, 100, 100, undefined, fast))).toEqual(range(1, 40));
    expect(positions(recent.read(0, 100, 10, undefined, slow))).toEqual(range(1, 10));
    expect(positions(recent.read(40, 100, 100, undefined, fast))).toEqual(range(41, 80)); // slow still at 0: all kept
    expect(positions(recent.read(10, 100, 100, undefined, slow))).toEqual(range(11, 80));
    expect(positions(recent.read(80, 100, 100, undefined, slow))).toEqual(range(81, 100)); // both passed 40 when it filled
    expect(recent.read(39, 100, 100, undefined)).toBeNull();
    expect(positions(recent.read(40, 100, 100, undefined))).toEqual(range(41, 100));
  });

  it('lets a closed reader go: it no longer holds what it had not read', () => {
    const file = log(100);
    const recent = new RecentEvents(file.readRange, options({ capacity: 1_000, maxGap: 200, fillChunk: 50 }));
    const [gone, live] = [{}, {}];
    recent.read(0, 100, 1, undefined, gone);
    recent.read(0, 100, 100, undefined, live);
    recent.forget(gone);
    recent.read(50, 100, 100, undefined, live); // fills 51..100 and drops what the live reader passed
    expect(recent.read(0, 100, 100, undefined)).toBeNull();
    expect(positions(recent.read(50, 100, 100, undefined))).toEqual(range(51, 100));
  });

  it('remembers a reader at the head, so it does not hold the events it has read', () => {
    const file = log(10);
    const recent = new RecentEvents(file.readRange, options({ fillChunk: 10 }));
    const [a, b] = [{}, {}];
    recent.read(0, 10, 100, undefined, a);
    recent.read(0, 10, 100, undefined, b);
    expect(recent.read(10, 10, 100, undefined, a)).toEqual({ events: [], through: 10 }); // nothing new: a is at 10
    file.append(10);
    recent.read(10, 20, 100, undefined, b); // fills 11..20; a and b both passed 10
    expect(recent.read(5, 20, 100, undefined)).toBeNull();
  });
});
