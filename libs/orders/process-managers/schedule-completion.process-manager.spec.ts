import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { INSTALLMENT_ROWS } from '../read-model';
import { installmentCompletionProcessManager, settledInstallmentInvoices } from './schedule-completion.process-manager';

let position = 0;
function recorded(type: string, data: Record<string, unknown>): RecordedEvent {
  position += 1;
  return { type, data, id: `event-${position}`, metadata: { tenantId: 't1', businessDate: '2026-03-01' } as RecordedEvent['metadata'], streamName: 's', revision: 0, position, recordedAt: '' };
}

/** Rows billed: ins:o1:1 and ins:o1:2 of schedule o1, ins:o2:1 of o2. */
const billed: Record<string, string> = { 'ins:o1:1': 'o1', 'ins:o1:2': 'o1', 'ins:o2:1': 'o2' };
function context(): ProcessManagerContext & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    store: {
      getCheckpoint: async () => Number.MAX_SAFE_INTEGER,
      find: async (collection: string, _tenant: string, options: { filter: { invoiceId: string } }) => {
        expect(collection).toBe(INSTALLMENT_ROWS);
        asked.push(options.filter.invoiceId);
        const scheduleId = billed[options.filter.invoiceId];
        return { items: scheduleId ? [{ id: 'x', scheduleId }] : [] };
      },
    } as unknown as ReadStore,
    readModelsAt: async () => undefined,
  };
}
const react = async (event: RecordedEvent, ctx = context()) => (await installmentCompletionProcessManager.react(event, ctx)) as PmCommand[];

describe('installment-completion process manager', () => {
  it('a payment settling rows of two schedules (and a recurring charge): one check per schedule, in the account lane', async () => {
    const ctx = context();
    const event = recorded('PaymentRecorded', { accountId: 'acc', applications: [{ invoiceId: 'inv-1', amount: 100 }, { invoiceId: 'ins:o1:1', amount: 5 }, { invoiceId: 'ins:o1:2', amount: 5 }, { invoiceId: 'ins:o2:1', amount: 5 }] });
    expect(await react(event, ctx)).toEqual([
      { type: 'CompleteSettledInstallmentSchedule', data: { scheduleId: 'o1' }, key: `complete:${event.id}:o1`, lane: 'acc' },
      { type: 'CompleteSettledInstallmentSchedule', data: { scheduleId: 'o2' }, key: `complete:${event.id}:o2`, lane: 'acc' },
    ]);
    expect(ctx.asked).toEqual(['ins:o1:1', 'ins:o1:2', 'ins:o2:1']); // the recurring charge is never looked up
  });

  it('credit applied, a credit memo and a write-off name their receivables; a row not in the read model is nothing', async () => {
    expect(settledInstallmentInvoices(recorded('CreditApplied', { accountId: 'acc', applications: [{ invoiceId: 'ins:o1:2', amount: 1, sourceType: 'payment', sourceId: 'p' }] }))).toEqual(['ins:o1:2']);
    expect(settledInstallmentInvoices(recorded('CreditMemoIssued', { accountId: 'acc', invoiceId: 'ins:o2:1', applications: [{ invoiceId: 'ins:o2:1', amount: 1 }] }))).toEqual(['ins:o2:1']);
    const writeOff = recorded('InvoiceWrittenOff', { accountId: 'acc', invoiceId: 'ins:o2:1', amount: 3 });
    expect(await react(writeOff)).toEqual([{ type: 'CompleteSettledInstallmentSchedule', data: { scheduleId: 'o2' }, key: `complete:${writeOff.id}:o2`, lane: 'acc' }]);
    expect(await react(recorded('CreditApplied', { accountId: 'acc', applications: [{ invoiceId: 'ins:unknown:1', amount: 1 }] }))).toEqual([]);
    const ctx = context();
    expect(await react(recorded('PaymentRecorded', { accountId: 'acc', applications: [], unapplied: 500 }), ctx)).toEqual([]);
    expect(ctx.asked).toEqual([]);
  });

  it('InstallmentInvoiced: only a row of amount 0 (no ledger event will ever settle it) asks for a check', async () => {
    expect(await react(recorded('InstallmentInvoiced', { scheduleId: 'o1', number: 3, invoiceId: 'ins:o1:3', amount: 33333 }))).toEqual([]);
    const zero = recorded('InstallmentInvoiced', { scheduleId: 'o1', number: 3, invoiceId: 'ins:o1:3', amount: 0 });
    expect(await react(zero)).toEqual([{ type: 'CompleteSettledInstallmentSchedule', data: { scheduleId: 'o1' }, key: `complete:${zero.id}:o1`, lane: 'schedule:o1' }]);
  });
});
