import pino from 'pino';
import { TENANTS } from '../../tenancy/read-model';
import { legacyWebhookDeliveryStream, webhookDeliveryKey, webhookDeliveryStream } from '../domain';
import { EMAILS, WEBHOOK_DELIVERIES } from '../read-model';
import { PendingDeliveriesResumer } from './pending-deliveries';
import { DeliveryJob } from './webhook-deliverer';

describe('PendingDeliveriesResumer', () => {
  it("hands back every pending delivery with the stream its document's id names, in either naming (decision 0031)", async () => {
    const stream = webhookDeliveryStream('t1', 'we_1', 7);
    const docs: Record<string, object[]> = {
      [TENANTS]: [{ id: 't1' }],
      [WEBHOOK_DELIVERIES]: [
        { id: webhookDeliveryKey('t1', stream), endpointId: 'we_1', eventId: 'e7' },
        { id: 'we_1.e0', endpointId: 'we_1', eventId: 'e0' },
      ],
      [EMAILS]: [],
    };
    const store = { getCheckpoint: async () => 10, find: async (collection: string) => ({ items: docs[collection] }) };
    const enqueued: DeliveryJob[] = [];
    const resumer = new PendingDeliveriesResumer(
      {} as never,
      { enqueue: (job: DeliveryJob) => enqueued.push(job) } as never,
      { enqueue: () => undefined } as never,
      { businessDate: () => '2026-11-22' } as never,
      store as never,
      { headPosition: async () => 10 } as never,
      pino({ level: 'silent' }),
      { onStop: () => undefined } as never,
    );

    expect(await resumer.resume()).toBe(2);
    expect(enqueued).toEqual([
      { tenantId: 't1', endpointId: 'we_1', eventId: 'e7', stream, businessDate: '2026-11-22' },
      { tenantId: 't1', endpointId: 'we_1', eventId: 'e0', stream: legacyWebhookDeliveryStream('t1', 'we_1', 'e0'), businessDate: '2026-11-22' },
    ]);
  });
});
