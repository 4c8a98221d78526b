import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventMetadata, NewEvent, RecordedEvent } from '../../platform/event-store/event-store.port';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { InvalidInputError } from '../../shared-kernel/errors';
import { accountHistoryPage, encodeHistoryCursor, historyItem, parseHistoryQuery, withoutSecrets } from '../queries/account-history';
import { ACCOUNT_HISTORY, accountHistoryProjection, accountsNamedBy, historyEntryId, historyRange } from './account-history.projection';

describe('accountsNamedBy: the accounts an event is about, by field name', () => {
  it('names the account, parent, previous parent and owner fields', () => {
    expect(accountsNamedBy({ accountId: 'child', parentAccountId: 'parent', previousParentAccountId: 'old', effectiveDate: '2026-01-01' })).toEqual({
      accounts: ['child', 'parent', 'old'],
      keys: [],
      owner: 'child',
    });
    expect(accountsNamedBy({ ownerAccountId: 'owner', serviceId: 's', members: ['m1', 'm2'] }).accounts).toEqual(['owner', 'm1', 'm2']);
    // A pool rating's members are objects (its invoices reach them as receivables): only the owner.
    expect(accountsNamedBy({ ownerAccountId: 'owner', members: [{ accountId: 'm1', quantity: '1', amount: 1 }] }).accounts).toEqual(['owner']);
  });

  it('names the payers of a payment responsibility and of an invoice line', () => {
    const responsibility = { recurring: [{ payerAccountId: 'p1', percent: '60' }, { payerAccountId: 'child', percent: '40' }], fees: [{ payerAccountId: 'p2', percent: '100' }] };
    expect(accountsNamedBy({ accountId: 'child', responsibility }).accounts).toEqual(['child', 'p1', 'p2']);
    const invoice = { invoiceId: 'i1', accountId: 'child', lines: [{ amount: 100, payers: [{ accountId: 'p1', amount: 100 }] }, { amount: 5 }] };
    expect(accountsNamedBy({ planInstanceId: 'pi-1', accountId: 'child', invoice }).accounts).toEqual(['child', 'p1']);
  });

  it('names the plan instance and schedule keys, with their owner when the event gives it', () => {
    expect(accountsNamedBy({ planInstanceId: 'pi-1', accountId: 'a' })).toEqual({ accounts: ['a'], keys: ['planInstance:pi-1'], owner: 'a' });
    expect(accountsNamedBy({ scheduleId: 's-1', on: '2026-01-01' })).toEqual({ accounts: [], keys: ['schedule:s-1'], owner: null });
    expect(accountsNamedBy(null)).toEqual({ accounts: [], keys: [], owner: null });
  });

  it('pads positions so that ids sort in log order, and an account\'s range holds no other account\'s ids', () => {
    expect(historyEntryId('a', 9) < historyEntryId('a', 10)).toBe(true);
    expect(historyEntryId('a', 42)).toBe('a@0000000000000042');
    const { gt, lt } = historyRange('a', 0);
    for (const other of ['ab', 'a-b', 'a.b', 'a:b', 'a_b', 'A', '0', 'b']) {
      const id = historyEntryId(other, 5);
      expect(id > gt && id < lt).toBe(false);
    }
    expect(historyEntryId('a', 5) > gt && historyEntryId('a', 5) < lt).toBe(true);
  });
});

describe('parseHistoryQuery', () => {
  const fieldOf = (raw: Parameters<typeof parseHistoryQuery>[0]) => {
    try {
      parseHistoryQuery(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).details?.[0]?.field;
    }
    return undefined;
  };

  it('reads cursor, limit, types and the date range', () => {
    expect(parseHistoryQuery({})).toEqual({ after: 0, limit: 100, types: [] });
    expect(parseHistoryQuery({ cursor: encodeHistoryCursor(17), limit: '5', type: 'PaymentRecorded, CreditMemoIssued,PaymentRecorded', from: '2026-01-01', to: '2026-01-01' })).toEqual({
      after: 17,
      limit: 5,
      types: ['PaymentRecorded', 'CreditMemoIssued'],
      from: '2026-01-01',
      to: '2026-01-01',
    });
    expect(parseHistoryQuery({ type: ['PlanAssigned', 'AccountCreated'] }).types).toEqual(['PlanAssigned', 'AccountCreated']);
  });

  it('answers 400 naming the parameter', () => {
    expect(fieldOf({ type: 'NoSuchEvent' })).toBe('type');
    expect(fieldOf({ type: 'TimerFired' })).toBe('type');
    expect(fieldOf({ type: 'AccountCreated,' })).toBe('type');
    expect(fieldOf({ from: '2026-13-01' })).toBe('from');
    expect(fieldOf({ to: 'yesterday' })).toBe('to');
    expect(fieldOf({ from: '2026-02-02', to: '2026-02-01' })).toBe('to');
    expect(fieldOf({ limit: '0' })).toBe('limit');
    expect(fieldOf({ limit: '1001' })).toBe('limit');
    expect(fieldOf({ cursor: 'not-ours' })).toBe('cursor');
    expect(fieldOf({ cursor: Buffer.from('h:-1').toString('base64url') })).toBe('cursor');
    expect(fieldOf({ from: ['2026-01-01', '2026-01-02'] })).toBe('from');
  });
});

describe('account history: projector and page', () => {
  let dir: string;
  let store: ReadStore;
  let log: SqliteEventStore;
  let n = 0;
  const metadata = (businessDate: string, extra: Partial<EventMetadata> = {}): EventMetadata => ({
    tenantId: 't1',
    commandId: `c${++n}`,
    correlationId: 'req',
    causationId: 'req',
    actor: 'tenant-key:0123456789ab',
    businessDate,
    ...extra,
  });
  const event = (type: string, data: Record<string, unknown>, businessDate = '2026-01-01', extra: Partial<EventMetadata> = {}): NewEvent => ({
    id: `e${++n}`,
    type,
    data,
    metadata: metadata(businessDate, extra),
  });

  async function append(stream: string, events: NewEvent[]): Promise<RecordedEvent[]> {
    const head = await log.headPosition();
    await log.appendToStream(stream, events, 'any');
    const recorded = (await log.readAll({ after: head })).filter((e) => e.streamName === stream);
    await projectBatch(accountHistoryProjection, recorded, store);
    return recorded;
  }
  const page = (accountId: string, raw: Parameters<typeof parseHistoryQuery>[0] = {}) => accountHistoryPage(store, log, 't1', accountId, parseHistoryQuery(raw));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'account-history-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    log = new SqliteEventStore({ file: path.join(dir, 'events.sqlite') });
    await store.ensureCollections(accountHistoryProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every event about the account from every stream, in log order, including what names only its plan instance or schedule', async () => {
    await append('account-t1.a', [event('AccountCreated', { accountId: 'a' }, '2026-01-01')]);
    await append('account-t1.b', [event('AccountCreated', { accountId: 'b' }, '2026-01-01')]);
    await append('hierarchy-t1.links', [event('AccountParented', { accountId: 'b', parentAccountId: 'a', previousParentAccountId: null, effectiveDate: '2026-01-01' })]);
    await append('planInstance-t1.pi', [event('PlanAssigned', { planInstanceId: 'pi', accountId: 'a' }, '2026-01-02')]);
    await append('installmentSchedule-t1.s', [
      event('InstallmentScheduleCreated', { scheduleId: 's', accountId: 'a', orderId: 'o' }, '2026-01-03'),
      event('InstallmentScheduleCompleted', { scheduleId: 's', reason: 'paidOff', on: '2026-01-04' }, '2026-01-04'),
    ]);
    await append('receivables-t1.b', [event('PaymentRecorded', { accountId: 'b', paymentId: 'p' }, '2026-01-05')]);
    // A type the history does not read (usage) is not in it.
    await append('usage-t1.a', [event('UsageRecorded', { accountId: 'a', records: [] }, '2026-01-05')]);

    const a = await page('a');
    expect(a.items.map((item) => item.type)).toEqual(['AccountCreated', 'AccountParented', 'PlanAssigned', 'InstallmentScheduleCreated', 'InstallmentScheduleCompleted']);
    expect(a.nextCursor).toBeUndefined();
    const b = await page('b');
    expect(b.items.map((item) => item.type)).toEqual(['AccountCreated', 'AccountParented', 'PaymentRecorded']);
    const positions = a.items.map((item) => item.position);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
  });

  it('pages with a cursor, filters by types and business dates, and a replay changes nothing', async () => {
    await append('account-t1.a', [event('AccountCreated', { accountId: 'a' }, '2026-01-01')]);
    const days = ['2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06'];
    for (const day of days) {
      await append('receivables-t1.a', [event('ReceivablePosted', { accountId: 'a', invoiceId: `i-${day}` }, day), event('PaymentRecorded', { accountId: 'a', paymentId: `p-${day}` }, day)]);
    }
    const all = await page('a', { limit: '1000' });
    expect(all.items).toHaveLength(11);

    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const next = await page('a', { limit: '4', ...(cursor ? { cursor } : {}) });
      expect(next.items.length).toBeLessThanOrEqual(4);
      seen.push(...next.items.map((item) => item.position));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((item) => item.position));

    const payments = await page('a', { type: 'PaymentRecorded,AccountCreated', limit: '3' });
    expect(payments.items.map((item) => item.type)).toEqual(['AccountCreated', 'PaymentRecorded', 'PaymentRecorded']);
    const rest = await page('a', { type: 'PaymentRecorded,AccountCreated', limit: '3', cursor: payments.nextCursor });
    expect(rest.items.map((item) => item.type)).toEqual(['PaymentRecorded', 'PaymentRecorded', 'PaymentRecorded']);
    expect(rest.nextCursor).toBeUndefined();

    const dated = await page('a', { from: '2026-01-03', to: '2026-01-04' });
    expect(dated.items.map((item) => item.businessDate)).toEqual(['2026-01-03', '2026-01-03', '2026-01-04', '2026-01-04']);
    expect((await page('a', { type: 'PaymentRecorded', from: '2026-01-06' })).items.map((item) => item.data)).toEqual([{ accountId: 'a', paymentId: 'p-2026-01-06' }]);

    // Redelivery: the same events again write nothing new.
    await projectBatch(accountHistoryProjection, await log.readAll(), store);
    expect((await store.find(ACCOUNT_HISTORY, 't1', { filter: { id: historyRange('a', 0) }, limit: 1000 })).items).toHaveLength(11);
  });

  it('shows the actor as an object, the reason, the causation, and no secrets', async () => {
    const [recorded] = await append('paymentMethods-t1.a', [
      event('PaymentMethodAdded', { accountId: 'a', paymentMethodId: 'pm', type: 'card', token: 'tok_secret', last4: '4242' }, '2026-01-01', {
        actor: 'process-manager:collection',
        causationId: 'event-that-caused-it',
        reason: 'because',
      }),
    ]);
    const item = historyItem(recorded);
    expect(item).toMatchObject({ id: recorded.id, stream: 'paymentMethods-t1.a', revision: 0, businessDate: '2026-01-01' });
    expect(item.data).toEqual({ accountId: 'a', paymentMethodId: 'pm', type: 'card', last4: '4242' });
    expect(item.metadata).toMatchObject({
      actor: { type: 'system', id: 'collection' },
      correlationId: 'req',
      causationId: 'event-that-caused-it',
      reason: 'because',
      commandId: recorded.metadata.commandId,
    });
    expect(withoutSecrets({ nested: [{ tokenHash: 'x', keep: 1 }] })).toEqual({ nested: [{ keep: 1 }] });
  });
});
