import { RecordedEvent } from '../event-store.port';
import { RecentEvents } from './recent-events';

/** A log of positions 1..n: odd positions are `A`, even ones `B`; the reads it served are counted. */
function log(n: number) {
  let head = n;
  const reads: [number, number][] = [];
  const event = (position: number): RecordedEvent =>
    Object.freeze({ id: `e${position}`, type: position % 2 ? 'A' : 'B', data: {}, metadata: { tenantId: 't' } as RecordedEvent['metadata'], streamName: 's', revision: position - 1, position, recordedAt: '' });
  const readRange = (after: number, through: number) => {
    reads.push([after, through]);
    return Array.from({ length: through - after }, (_, i) => event(after + i + 1));
  };
  return { readRange, reads, append: (count: number) => (head += count), head: () => head };
}
const positions = (read: { events: RecordedEvent[] } | null) => read?.events.map((e) => e.position);

describe('RecentEvents (the tail of the log the live subscriptions share)', () => {
  it('reads the new events once for every subscription, each filtering its own types', () => {
    const file = log(10);
    const recent = new RecentEvents(file.readRange, { capacity: 100, maxGap: 50 });
    expect(recent.read(4, file.head(), 100, new Set(['A']))).toEqual({ events: expect.any(Array), through: 10 });
    expect(positions(recent.read(4, file.head(), 100, new Set(['A'])))).toEqual([5, 7, 9]);
    expect(positions(recent.read(6, file.head(), 100, new Set(['B'])))).toEqual([8, 10]);
    expect(positions(recent.read(4, file.head(), 100, undefined))).toEqual([5, 6, 7, 8, 9, 10]);
    file.append(3);
    expect(positions(recent.read(10, file.head(), 100, new Set(['A'])))).toEqual([11, 13]);
    expect(positions(recent.read(9, file.head(), 100, new Set(['B'])))).toEqual([10, 12]);
    expect(file.reads).toEqual([[4, 10], [10, 13]]);
  });

  it('stops at `limit`, saying how far it looked; the head when it did not stop', () => {
    const file = log(20);
    const recent = new RecentEvents(file.readRange, { capacity: 100, maxGap: 50 });
    expect(recent.read(0, 20, 3, new Set(['B']))).toMatchObject({ through: 6 });
    expect(recent.read(0, 20, 100, new Set(['C']))).toEqual({ events: [], through: 20 });
  });

  it('sends a subscription behind the window or far behind the head to the file (null), and keeps its window whole', () => {
    const file = log(100);
    const recent = new RecentEvents(file.readRange, { capacity: 30, maxGap: 40 });
    expect(recent.read(10, 100, 100, undefined)).toBeNull(); // 90 behind the head: a catch-up
    expect(positions(recent.read(70, 100, 100, undefined))).toHaveLength(30);
    file.append(20);
    expect(positions(recent.read(100, 120, 100, undefined))).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    // Only the last 30 are kept now: 90 and after. A reader at 80 goes to the file; one at 90 is served.
    expect(recent.read(80, 120, 100, undefined)).toBeNull();
    expect(positions(recent.read(90, 120, 100, undefined))).toHaveLength(30);
    // A burst of 60 from elsewhere is not read into the window; readers go to the file until they come near.
    file.append(60);
    expect(recent.read(120, 180, 100, undefined)).toBeNull();
    expect(positions(recent.read(170, 180, 100, undefined))).toEqual(Array.from({ length: 10 }, (_, i) => 171 + i));
  });
});
