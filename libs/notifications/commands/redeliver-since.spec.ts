import { EventStore, RecordedEvent } from '../../platform/event-store/event-store.port';
import { firstPositionSince } from './deliveries';

/** A log of `count` events at positions 1, 3, 5… (gaps, as on KurrentDB), one a minute from 10:00. */
function log(count: number) {
  const events = Array.from({ length: count }, (_, i) => ({ position: 2 * i + 1, recordedAt: new Date(Date.UTC(2026, 10, 22, 10, i)).toISOString() }) as RecordedEvent);
  let reads = 0;
  const store = {
    headPosition: async () => (events.length ? events[events.length - 1].position : 0),
    readAll: async ({ after = 0, maxCount = 1 }: { after?: number; maxCount?: number }) => {
      reads++;
      return events.filter((event) => event.position > after).slice(0, maxCount);
    },
  } as unknown as EventStore;
  return { store, reads: () => reads };
}

describe('redeliver since: where to start reading the log', () => {
  it('finds the first event recorded at or after the instant, reading a handful of events, not the log', async () => {
    const { store, reads } = log(1000);
    // What a scan from there reads first: the first event recorded at or after the instant.
    const firstRead = async (since: string) => (await store.readAll({ after: (await firstPositionSince(store, since)) - 1, maxCount: 1 }))[0]?.position ?? null;
    expect(await firstRead('2026-11-22T10:00:00.000Z')).toBe(1);
    expect(await firstRead('2026-11-22T10:07:30.000Z')).toBe(17); // the 9th event (10:08) is at 17
    expect(await firstRead('2026-11-22T10:08:00.000Z')).toBe(17);
    expect(await firstRead('2026-11-24T00:00:00.000Z')).toBeNull(); // none
    expect(reads()).toBeLessThan(4 * 13);
  });

  it('an empty log: nothing to read', async () => {
    expect(await firstPositionSince(log(0).store, '2026-01-01')).toBe(1);
  });
});
