import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { emailNoticesProcessManager } from './email-notices.process-manager';

const context = {} as ProcessManagerContext; // these reactions read no read model
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent =>
  ({ id: 'ev1', type, data, position: 7, streamName: 's', revision: 0, recordedAt: '2026-11-22T10:00:00.000Z', metadata: { tenantId: 't1', businessDate: '2026-11-22' } }) as unknown as RecordedEvent;

const stepAdvanced = recorded('DunningStepAdvanced', {
  accountId: 'a1',
  caseId: 'a1:1',
  processId: 'standard',
  processVersion: 2,
  step: 2,
  date: '2026-11-22',
  actions: [
    { type: 'retryCollection', paymentId: 'p1' },
    { type: 'notify', template: 'secondReminder', emailId: 'em-1' },
    { type: 'notify', template: 'dunningNotice', emailId: 'em-2' },
  ],
  currency: 'USD',
  pastDue: 12345,
  nextStep: null,
  nextStepDate: null,
});

describe('email-notices process manager', () => {
  it('issues one SendEmail per dunning notify action, with the id and the template the action names', async () => {
    const view = { step: '2', date: '2026-11-22', pastDue: '123.45', currency: 'USD', processId: 'standard' };
    expect(await emailNoticesProcessManager.react(stepAdvanced, context)).toEqual([
      { type: 'SendEmail', data: { notice: 'secondReminder', eventId: 'ev1', eventType: 'DunningStepAdvanced', accountId: 'a1', view, emailId: 'em-1' }, key: 'email:dunning:em-1', lane: 'a1' },
      { type: 'SendEmail', data: { notice: 'dunningNotice', eventId: 'ev1', eventType: 'DunningStepAdvanced', accountId: 'a1', view, emailId: 'em-2' }, key: 'email:dunning:em-2', lane: 'a1' },
    ]);
  });

  it("emails a failed payment, but not a dunning step's retry: the step's own notices tell the customer", async () => {
    const failed = (paymentId: string) => recorded('PaymentFailed', { accountId: 'a1', paymentId, amount: 10000, currency: 'USD', reason: 'declined', retryable: false, businessDate: '2026-11-22' });
    expect(await emailNoticesProcessManager.react(failed('col:inv-1:1'), context)).toEqual([expect.objectContaining({ type: 'SendEmail', data: expect.objectContaining({ notice: 'paymentFailed' }) })]);
    expect(await emailNoticesProcessManager.react(failed('dun:a1:1:2'), context)).toEqual([]);
  });

  it('tells the tenant of an endpoint disabled for failing, not of one it disabled itself', async () => {
    const disabled = (reason: string) => recorded('WebhookEndpointDisabled', { endpointId: 'we_1', url: 'https://x.test/h', reason, detail: 'deliveries failed for three days (last: HTTP 500)', disabledAt: '2026-11-25T10:00:00.000Z' });
    expect(await emailNoticesProcessManager.react(disabled('requested'), context)).toEqual([]);
    expect(await emailNoticesProcessManager.react(disabled('failing'), context)).toEqual([
      {
        type: 'SendEmail',
        data: {
          notice: 'webhookEndpointDisabled',
          eventId: 'ev1',
          eventType: 'WebhookEndpointDisabled',
          accountId: null,
          view: { endpointId: 'we_1', url: 'https://x.test/h', detail: 'deliveries failed for three days (last: HTTP 500)', disabledAt: '2026-11-25T10:00:00.000Z' },
        },
        key: 'email:webhookEndpointDisabled',
        lane: '_tenant',
      },
    ]);
  });
});
