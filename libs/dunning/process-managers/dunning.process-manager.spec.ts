import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { deterministicUuid } from '../../shared-kernel/ids';
import { dunningProcessManager } from './dunning.process-manager';

let position = 0;
function recorded(type: string, data: Record<string, unknown>, businessDate = '2025-03-04', tenantId = 't1'): RecordedEvent {
  position += 1;
  return { id: `event-${position}`, type, data, metadata: { tenantId, businessDate } as RecordedEvent['metadata'], streamName: 's', revision: 0, position, recordedAt: '' };
}

/** A read store whose dunning-cases read model is always current and holds these accounts in dunning. */
function contextWith(inDunning: string[]): ProcessManagerContext {
  const store = {
    getCheckpoint: async () => Number.MAX_SAFE_INTEGER,
    find: async () => ({ items: inDunning.map((accountId) => ({ id: accountId, accountId, status: 'inDunning', _position: 1 })) }),
  } as unknown as ReadStore;
  return { store, readModelsAt: async () => undefined };
}

const react = async (event: RecordedEvent, inDunning: string[] = []) => dunningProcessManager.react(event, contextWith(inDunning)) as Promise<unknown[]>;

describe('Dunning process manager', () => {
  it('a started case: its first step on a durable timer; a step due today (0 days) at once', async () => {
    const started = { accountId: 'a', caseId: 'a:1', nextStep: 1, nextStepDate: '2025-03-04' };
    const later = recorded('DunningStarted', started, '2025-03-02');
    expect(await react(later)).toEqual([
      {
        type: 'ScheduleTimer',
        data: { timerId: deterministicUuid('a:1', 'step', '1', '2025-03-04'), dueDate: '2025-03-04', command: { type: 'TakeDunningStep', data: { accountId: 'a', caseId: 'a:1', step: 1 } } },
        key: `timer:${deterministicUuid('a:1', 'step', '1', '2025-03-04')}`,
        lane: 'a',
      },
    ]);
    const today = recorded('DunningStarted', started, '2025-03-04');
    expect(await react(today)).toEqual([{ type: 'TakeDunningStep', data: { accountId: 'a', caseId: 'a:1', step: 1 }, key: `step:${today.id}`, lane: 'a' }]);
  });

  it("a step's actions become commands in the step's order, then the next step's timer; notices are the notifications context's", async () => {
    const step = recorded('DunningStepAdvanced', {
      accountId: 'a',
      caseId: 'a:1',
      processId: 'standard',
      step: 2,
      date: '2025-03-11',
      actions: [
        { type: 'lateFee', feeId: 'fee:a:1:2:0', amount: 500, currency: 'USD', flat: null, percent: '5', basis: 10000 },
        { type: 'setStatus', target: 'account', targetId: 'a', status: 'suspended' },
        { type: 'setStatus', target: 'planInstance', targetId: 'pi', status: 'suspended' },
        { type: 'retryCollection', paymentId: 'dun:a:1:2' },
        { type: 'notify', template: 'reminder', emailId: 'dun:a:1:2:4' },
        { type: 'lateFee', feeId: 'fee:a:1:2:5', amount: 0, currency: 'USD', flat: null, percent: '5', basis: 0 },
      ],
      nextStep: null,
      nextStepDate: null,
    }, '2025-03-11');
    const commands = (await react(step)) as { type: string; data: Record<string, unknown>; key: string }[];
    expect(commands.map((c) => c.type)).toEqual(['PostReceivable', 'ChangeAccountStatus', 'ChangePlanInstanceStatus', 'CollectPayment']);
    expect(commands[0].data).toEqual({ accountId: 'a', invoiceId: 'fee:a:1:2:0', invoiceNumber: null, invoiceDate: '2025-03-11', dueDate: '2025-03-11', currency: 'USD', amount: 500, kind: 'fee' });
    expect(commands[1].data).toEqual({ accountId: 'a', status: 'suspended', reason: 'dunning: step 2 of process standard', dunningCaseId: 'a:1' });
    expect(commands[2].data).toMatchObject({ planInstanceId: 'pi', status: 'suspended', dunningCaseId: 'a:1' });
    expect(commands[3].data).toEqual({ accountId: 'a', invoiceId: 'a:1', attempt: 2, paymentId: 'dun:a:1:2' });
    expect(new Set(commands.map((c) => c.key)).size).toBe(4);
  });

  it('a resolved case restores each status it set', async () => {
    const resolved = recorded('DunningResolved', { accountId: 'a', caseId: 'a:1', resolvedOn: '2025-03-13', reason: 'paid', statusesSet: [{ target: 'account', targetId: 'a' }, { target: 'planInstance', targetId: 'pi' }] });
    expect(((await react(resolved)) as { type: string; data: unknown }[]).map((c) => [c.type, c.data])).toEqual([
      ['RestoreAccountStatusAfterDunning', { accountId: 'a', caseId: 'a:1' }],
      ['RestorePlanInstanceStatusAfterDunning', { planInstanceId: 'pi', caseId: 'a:1' }],
    ]);
  });

  it('money in for an account in dunning: a review the next business day, once per account and day; for others nothing', async () => {
    const payment = recorded('PaymentRecorded', { accountId: 'a', amount: 100 }, '2025-03-12');
    const [review] = (await react(payment, ['a'])) as { type: string; data: { dueDate: string; command: unknown } }[];
    expect(review).toMatchObject({ type: 'ScheduleTimer', data: { dueDate: '2025-03-13', command: { type: 'ReviewDunning', data: { accountId: 'a' } } } });
    const second = (await react(recorded('CreditMemoIssued', { accountId: 'a' }, '2025-03-12'), ['a'])) as { data: { timerId: string } }[];
    expect(second[0].data.timerId).toBe((review as unknown as { data: { timerId: string } }).data.timerId);
    expect(await react(recorded('PaymentRecorded', { accountId: 'b' }, '2025-03-12'), ['a'])).toEqual([]);
  });

  it('a new default payment method of an account in dunning is charged at once; going to net terms is not', async () => {
    const changed = recorded('DefaultPaymentMethodChanged', { accountId: 'a', from: null, to: 'card', cause: 'added' });
    expect(await react(changed, ['a'])).toEqual([
      { type: 'CollectPayment', data: { accountId: 'a', invoiceId: 'dunning', attempt: 1, paymentId: `dun:a:method:${changed.id}` }, key: `method:${changed.id}`, lane: 'a' },
    ]);
    expect(await react(recorded('DefaultPaymentMethodChanged', { accountId: 'a', from: 'card', to: null, cause: 'removed' }), ['a'])).toEqual([]);
    expect(await react(recorded('DefaultPaymentMethodChanged', { accountId: 'b', from: null, to: 'card', cause: 'added' }), ['a'])).toEqual([]);
  });
});
