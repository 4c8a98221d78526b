import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { deterministicUuid } from '../../shared-kernel/ids';
import { installmentScheduleDecider, InstallmentScheduleEvent } from '../domain';
import { INSTALLMENT_ROWS, INSTALLMENT_SCHEDULES, scheduleViewOf } from '../read-model';
import { installmentsDailyProcessManager, installmentsProcessManager } from './schedule-installments.process-manager';

let position = 0;
/** The schedules read model's checkpoint, as the postings' process manager asks it. */
let checkpoint = Number.MAX_SAFE_INTEGER;
function recorded(event: { type: string; data: unknown }, businessDate = '2026-01-31', tenantId = 't1'): RecordedEvent {
  position += 1;
  return { ...(event as { type: string; data: Record<string, unknown> }), id: `event-${position}`, metadata: { tenantId, businessDate } as RecordedEvent['metadata'], streamName: 's', revision: 0, position, recordedAt: '' };
}

const rows = [
  { number: 0, kind: 'lumpSum' as const, invoiceDate: '2026-01-31', dueDate: '2026-01-31', amount: 10000 },
  { number: 1, kind: 'installment' as const, invoiceDate: '2026-01-31', dueDate: '2026-02-10', amount: 30000 },
  { number: 2, kind: 'installment' as const, invoiceDate: '2026-02-28', dueDate: '2026-03-10', amount: 30000 },
  { number: 3, kind: 'installment' as const, invoiceDate: '2026-03-31', dueDate: '2026-04-10', amount: 30000 },
];
const created: InstallmentScheduleEvent = {
  type: 'InstallmentScheduleCreated',
  data: { scheduleId: 'o1', accountId: 'acc', orderId: 'o1', planInstanceId: null, termId: 'm3', scheduleType: 'independent', currency: 'USD', total: 100000, orderDate: '2026-01-31', installments: rows },
};
const scheduleDoc = { _position: 1, ...scheduleViewOf(installmentScheduleDecider.evolve(null, created)!) };

/** A read store holding the schedule above and, for the daily scan, these due rows (served `pageSize` at a time). */
function contextWith(dueRows: { scheduleId: string; accountId: string; number: number }[] = []): ProcessManagerContext & { waited: number[]; pages: number } {
  const waited: number[] = [];
  const context = {
    waited,
    pages: 0,
    store: {
      getCheckpoint: async () => checkpoint,
      get: async (collection: string, _tenant: string, id: string) => (collection === INSTALLMENT_SCHEDULES && id === 'o1' ? scheduleDoc : null),
      find: async (collection: string, _tenant: string, options: { cursor?: string; limit?: number; filter?: unknown }) => {
        expect(collection).toBe(INSTALLMENT_ROWS);
        expect(options.filter).toEqual({ status: 'scheduled', invoiceDate: { lte: '2026-02-28' } });
        context.pages += 1;
        const from = Number(options.cursor ?? 0);
        const next = from + (options.limit ?? 500);
        const items = dueRows.slice(from, next).map((row) => ({ id: `${row.scheduleId}:${row.number}`, ...row }));
        return next < dueRows.length ? { items, nextCursor: String(next) } : { items };
      },
    } as unknown as ReadStore,
    readModelsAt: async (at: number) => {
      waited.push(at);
    },
  };
  return context;
}

async function commandsOf(event: RecordedEvent, context = contextWith()): Promise<PmCommand[]> {
  const pm = installmentsProcessManager.eventTypes.includes(event.type) ? installmentsProcessManager : installmentsDailyProcessManager;
  const reaction = pm.react(event, context);
  if (Symbol.asyncIterator in (reaction as object)) {
    const commands: PmCommand[] = [];
    for await (const command of reaction as AsyncIterable<PmCommand>) commands.push(command);
    return commands;
  }
  return reaction as Promise<PmCommand[]>;
}

describe('installments process manager', () => {
  it('a new schedule: InvoiceInstallment for every row whose invoice date has come (the lump sum and the first installment)', async () => {
    const event = recorded(created, '2026-01-31');
    expect(await commandsOf(event)).toEqual([
      { type: 'InvoiceInstallment', data: { scheduleId: 'o1', number: 0 }, key: `invoice:${event.id}:o1:0`, lane: 'acc' },
      { type: 'InvoiceInstallment', data: { scheduleId: 'o1', number: 1 }, key: `invoice:${event.id}:o1:1`, lane: 'acc' },
    ]);
    expect(await commandsOf(recorded(created, '2026-01-30'))).toEqual([]);
  });

  it('a business day: every scheduled row due by that day, read page by page once the read models passed the day', async () => {
    const due = Array.from({ length: 1201 }, (_, i) => ({ scheduleId: `s${i}`, accountId: `a${i}`, number: 2 }));
    const context = contextWith(due);
    const day = recorded({ type: 'BusinessDayStarted', data: { tenantId: 't1', date: '2026-02-28' } }, '2026-02-28');
    const commands = await commandsOf(day, context);
    expect(context.waited).toEqual([day.position]);
    expect(context.pages).toBe(3);
    expect(commands).toHaveLength(1201);
    expect(commands[0]).toEqual({ type: 'InvoiceInstallment', data: { scheduleId: 's0', number: 2 }, key: `invoice:${day.id}:s0:2`, lane: 'a0', businessDate: '2026-02-28' });
    expect(new Set(commands.map((c) => c.key)).size).toBe(1201);
  });

  it("an invoiced row: PostReceivable of kind installment with the row's dates and amount", async () => {
    const context = contextWith();
    const invoiced = recorded({ type: 'InstallmentInvoiced', data: { scheduleId: 'o1', number: 2, invoiceId: 'ins:o1:2', amount: 30000 } }, '2026-02-28');
    expect(await commandsOf(invoiced, context)).toEqual([
      {
        type: 'PostReceivable',
        data: { accountId: 'acc', invoiceId: 'ins:o1:2', invoiceNumber: null, invoiceDate: '2026-02-28', dueDate: '2026-03-10', currency: 'USD', amount: 30000, kind: 'installment' },
        key: `post:${invoiced.id}`,
        lane: 'acc',
      },
    ]);
    expect(context.waited).toEqual([]); // the schedules read model alone, by its checkpoint
  });

  it('an invoiced row that carries its account, currency and dates is posted from the event alone, reading nothing', async () => {
    const store = new Proxy({}, { get: () => () => Promise.reject(new Error('no read model is read')) });
    const context = { store, readModelsAt: async () => undefined, waited: [], pages: 0 } as unknown as ProcessManagerContext & { waited: number[]; pages: number };
    const data = { scheduleId: 'o9', number: 2, invoiceId: 'ins:o9:2', amount: 30000, accountId: 'acc9', currency: 'EUR', invoiceDate: '2026-02-28', dueDate: '2026-03-10' };
    const invoiced = recorded({ type: 'InstallmentInvoiced', data }, '2026-02-28');
    expect(await commandsOf(invoiced, context)).toEqual([
      {
        type: 'PostReceivable',
        data: { accountId: 'acc9', invoiceId: 'ins:o9:2', invoiceNumber: null, invoiceDate: '2026-02-28', dueDate: '2026-03-10', currency: 'EUR', amount: 30000, kind: 'installment' },
        key: `post:${invoiced.id}`,
        lane: 'acc9',
      },
    ]);
  });

  it('a posting waits until the schedules read model has passed its event', async () => {
    const invoiced = recorded({ type: 'InstallmentInvoiced', data: { scheduleId: 'o1', number: 3, invoiceId: 'ins:o1:3', amount: 30000 } }, '2026-03-31');
    checkpoint = invoiced.position - 1;
    setTimeout(() => (checkpoint = invoiced.position), 50);
    const started = Date.now();
    const [command] = await commandsOf(invoiced);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(command.data).toMatchObject({ invoiceId: 'ins:o1:3', invoiceDate: '2026-03-31', dueDate: '2026-04-10', kind: 'installment' });
    checkpoint = Number.MAX_SAFE_INTEGER;
  });

  it('a cancellation now: the remainder posted at once, due at once; nothing left: nothing', async () => {
    const remainderLine = { invoiceDate: '2026-02-01', dueDate: '2026-02-01', amount: 60000, numbers: [2, 3] };
    const now = recorded({ type: 'InstallmentScheduleCancelled', data: { scheduleId: 'o1', effective: '2026-02-01', requestedOn: '2026-02-01', remainder: 60000, remainderLine } }, '2026-02-01');
    expect(await commandsOf(now)).toEqual([
      {
        type: 'PostReceivable',
        data: { accountId: 'acc', invoiceId: 'rem:o1', invoiceNumber: null, invoiceDate: '2026-02-01', dueDate: '2026-02-01', currency: 'USD', amount: 60000, kind: 'remainder' },
        key: `remainder:${now.id}`,
        lane: 'acc',
      },
    ]);
    const nothing = recorded({ type: 'InstallmentScheduleCancelled', data: { scheduleId: 'o1', effective: '2026-04-01', requestedOn: '2026-04-01', remainder: 0, remainderLine: null } }, '2026-04-01');
    expect(await commandsOf(nothing)).toEqual([]);
  });

  it('a dated cancellation: the remainder on a durable timer for the effective date', async () => {
    const remainderLine = { invoiceDate: '2026-03-15', dueDate: '2026-03-15', amount: 30000, numbers: [3] };
    const dated = recorded({ type: 'InstallmentScheduleCancelled', data: { scheduleId: 'o1', effective: '2026-03-15', requestedOn: '2026-02-01', remainder: 30000, remainderLine } }, '2026-02-01');
    const timerId = deterministicUuid('o1', 'installment-remainder', '2026-03-15');
    expect(await commandsOf(dated)).toEqual([
      {
        type: 'ScheduleTimer',
        data: {
          timerId,
          dueDate: '2026-03-15',
          command: {
            type: 'PostReceivable',
            data: { accountId: 'acc', invoiceId: 'rem:o1', invoiceNumber: null, invoiceDate: '2026-03-15', dueDate: '2026-03-15', currency: 'USD', amount: 30000, kind: 'remainder' },
          },
        },
        key: `timer:${dated.id}`,
        lane: 'acc',
      },
    ]);
  });
});
