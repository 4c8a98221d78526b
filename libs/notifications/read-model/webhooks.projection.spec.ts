import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { ProjectionView } from '../../platform/projection-runner/projector';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { legacyWebhookDeliveryStream, webhookDeliveryStream, WebhookDeliveryEvent } from '../domain';
import { WEBHOOK_DELIVERIES, WebhookDeliveryDoc, webhookDeliveriesProjection } from './index';

const TENANT = 't1';
let position = 100;
function recorded(streamName: string, event: WebhookDeliveryEvent): RecordedEvent {
  position += 1;
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName,
    revision: 0,
    position,
    recordedAt: '2026-11-22T10:00:00.000Z',
    metadata: { tenantId: TENANT, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-11-22' },
  };
}
const requested = (eventId: string, eventPosition: number): WebhookDeliveryEvent => ({
  type: 'WebhookDeliveryRequested',
  data: { endpointId: 'we_1', eventId, eventType: 'AccountCreated', position: eventPosition, occurredAt: '2026-11-22T09:00:00.000Z', reason: 'published', round: 1, requestedAt: '2026-11-22T10:00:00.000Z' },
});
const attempted = (eventId: string): WebhookDeliveryEvent => ({
  type: 'WebhookDeliveryAttempted',
  data: { endpointId: 'we_1', eventId, round: 1, attempt: 1, at: '2026-11-22T10:00:01.000Z', ok: true, status: 204, durationMs: 3, responseSnippet: '', error: null },
});

describe('the webhook delivery log (read model)', () => {
  let dir: string;
  let store: ReadStore;
  const view: ProjectionView = { get: (c, t, id) => store.get(c, t, id), find: (c, t, o) => store.find(c, t, o) };
  const project = async (event: RecordedEvent) => store.apply(await webhookDeliveriesProjection.project(event, view));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'webhook-log-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(webhookDeliveriesProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keys each delivery by its stream's key: position-ordered ids now, and a legacy delivery's attempt still finds the document it had", async () => {
    const legacy = legacyWebhookDeliveryStream(TENANT, 'we_1', 'old');
    await project(recorded(legacy, requested('old', 7)));
    const stream = webhookDeliveryStream(TENANT, 'we_1', 42);
    await project(recorded(stream, requested('new', 42)));
    await project(recorded(legacy, attempted('old')));
    await project(recorded(stream, attempted('new')));

    const { items } = await store.find<WebhookDeliveryDoc>(WEBHOOK_DELIVERIES, TENANT, { limit: 10 });
    expect(items.map(({ id, eventId, status, attempts }) => ({ id, eventId, status, attempts: attempts.length }))).toEqual([
      { id: '0000000000000042.we_1', eventId: 'new', status: 'delivered', attempts: 1 },
      { id: 'we_1.old', eventId: 'old', status: 'delivered', attempts: 1 },
    ]);
  });
});
