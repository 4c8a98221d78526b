import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AccountCreated, AccountEvent } from '../domain/account.events';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS, accountsProjection } from './accounts.projection';

let position = 0;
function recorded(event: AccountEvent, tenantId = 't1'): RecordedEvent {
  position += 1;
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: `account-${tenantId}.${event.data.accountId}`,
    revision: position - 1,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-01-01' },
  };
}

const created = (accountId: string, data: Partial<AccountCreated['data']> = {}): AccountCreated => ({
  type: 'AccountCreated',
  data: {
    accountId,
    name: `Name of ${accountId}`,
    currency: 'USD',
    status: 'active',
    parentAccountId: null,
    contact: {},
    email: null,
    country: null,
    language: null,
    channel: null,
    paymentTermsDays: 0,
    createdOn: '2019-01-01',
    ...data,
  },
});

describe('accounts projection', () => {
  let dir: string;
  let store: ReadStore;
  const doc = (id: string) => store.get<Record<string, unknown>>(ACCOUNTS, 't1', id);

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'accounts-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(accountsProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the payment terms given on creation', async () => {
    await projectBatch(accountsProjection, [recorded(created('a', { paymentTermsDays: 30 }))], store);
    expect(await doc('a')).toMatchObject({ name: 'Name of a', paymentTermsDays: 30 });
  });

  it('reads an AccountCreated recorded before payment terms existed (no field) as 0 days', async () => {
    const { paymentTermsDays: _, ...legacy } = created('old').data;
    await projectBatch(accountsProjection, [recorded({ type: 'AccountCreated', data: legacy })], store);
    expect((await doc('old'))?.paymentTermsDays).toBe(0);
  });

  it('follows AccountPaymentTermsChanged, leaving the rest of the document as it was', async () => {
    await projectBatch(
      accountsProjection,
      [
        recorded(created('b', { email: 'b@example.com', contact: { email: 'b@example.com' } })),
        recorded({ type: 'AccountPaymentTermsChanged', data: { accountId: 'b', from: 0, to: 45 } }),
      ],
      store,
    );
    expect(await doc('b')).toMatchObject({ email: 'b@example.com', contact: { email: 'b@example.com' }, paymentTermsDays: 45 });
    await projectBatch(accountsProjection, [recorded({ type: 'AccountPaymentTermsChanged', data: { accountId: 'b', from: 45, to: 0 } })], store);
    expect((await doc('b'))?.paymentTermsDays).toBe(0);
  });

  it('follows AccountStatusChanged (the bill run reads the status here)', async () => {
    const changed = (from: string, to: string): AccountEvent => ({
      type: 'AccountStatusChanged',
      data: { accountId: 'c', from, to, reason: 'why', by: { type: 'dunning', caseId: 'case-1' }, changedOn: '2019-02-01' },
    });
    await projectBatch(accountsProjection, [recorded(created('c')), recorded(changed('active', 'suspended'))], store);
    expect(await doc('c')).toMatchObject({ name: 'Name of c', status: 'suspended' });
    await projectBatch(accountsProjection, [recorded(changed('suspended', 'active'))], store);
    expect((await doc('c'))?.status).toBe('active');
  });

  it('keeps the lower-cased name and email the list searches by prefix, following contact changes (issue 22)', async () => {
    await projectBatch(accountsProjection, [recorded(created('d', { name: 'Ünïcode Corp', email: 'Billing@Acme.TEST', contact: { email: 'Billing@Acme.TEST' } }))], store);
    expect(await doc('d')).toMatchObject({ searchName: 'ünïcode corp', searchEmail: 'billing@acme.test' });
    await projectBatch(accountsProjection, [recorded({ type: 'AccountContactUpdated', data: { accountId: 'd', contact: { phone: '1' }, changed: ['email', 'phone'] } })], store);
    expect(await doc('d')).toMatchObject({ searchName: 'ünïcode corp', searchEmail: null, email: null });
    const page = await store.find(ACCOUNTS, 't1', { filter: { searchName: { gte: 'ünï', lt: 'ünï\u{10FFFF}' } } });
    expect(page.items.map((item) => item.id)).toEqual(['d']);
  });

  it('follows AccountMetadataChanged (issue 22): metadata given on creation, then the whole of it after each change', async () => {
    await projectBatch(accountsProjection, [recorded(created('m', { metadata: { a: '1' } }))], store);
    expect((await doc('m'))?.metadata).toEqual({ a: '1' });
    await projectBatch(accountsProjection, [recorded({ type: 'AccountMetadataChanged', data: { accountId: 'm', metadata: { b: '2' }, changed: { a: null, b: '2' } } })], store);
    expect(await doc('m')).toMatchObject({ name: 'Name of m', metadata: { b: '2' } });
  });
});
