import { fold } from '../../shared-kernel/decider';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { ChangeAccountMetadata, CreateAccount } from './account.commands';
import { accountDecider, accountView } from './account.decider';
import { AccountCreated, AccountMetadataChanged } from './account.events';

/** Account metadata (issue 22): given on creation, changed by AccountMetadataChanged. */
const spec = specFor(accountDecider);
const create = (data: Partial<CreateAccount['data']> = {}): CreateAccount => ({
  type: 'CreateAccount',
  data: { accountId: 'acct-1', name: 'Acme', currency: 'USD', createdOn: '2024-01-31', ...data },
});
const created = (data: Partial<AccountCreated['data']> = {}): AccountCreated => ({
  type: 'AccountCreated',
  data: {
    accountId: 'acct-1',
    name: 'Acme',
    currency: 'USD',
    status: 'active',
    parentAccountId: null,
    contact: {},
    email: null,
    country: null,
    language: null,
    channel: null,
    paymentTermsDays: 0,
    createdOn: '2024-01-31',
    ...data,
  },
});
const change = (metadata: unknown): ChangeAccountMetadata => ({ type: 'ChangeAccountMetadata', data: { accountId: 'acct-1', metadata } });
const changed = (metadata: Record<string, string>, delta: Record<string, string | null>): AccountMetadataChanged => ({
  type: 'AccountMetadataChanged',
  data: { accountId: 'acct-1', metadata, changed: delta },
});

describe('Account metadata', () => {
  it('records metadata given on creation, and none (no field) when empty or absent', () => {
    spec.given([]).when(create({ metadata: { crm: 'C-1' } })).then([created({ metadata: { crm: 'C-1' } })]);
    spec.given([]).when(create({ metadata: {} })).then([created()]);
    spec.given([]).when(create()).then([created()]);
  });

  it('refuses bad metadata on creation, naming metadata.<key>', () => {
    const error = spec.given([]).when(create({ metadata: { 'no spaces': 'x' } })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field: 'metadata.no spaces', rule: 'keyPattern' })]);
  });

  it('sets, replaces and removes keys; the same again records nothing', () => {
    spec.given([created({ metadata: { a: '1', b: '2' } })]).when(change({ a: '9', b: null, c: '3' })).then([changed({ a: '9', c: '3' }, { a: '9', b: null, c: '3' })]);
    spec.given([created({ metadata: { a: '1' } })]).when(change({ a: '1', b: null })).then([]);
  });

  it('folds into the account: shown while it holds something', () => {
    const state = fold(accountDecider, [created(), changed({ a: '1' }, { a: '1' })]);
    expect(accountView(state!)).toMatchObject({ metadata: { a: '1' } });
    const emptied = fold(accountDecider, [created({ metadata: { a: '1' } }), changed({}, { a: null })]);
    expect(accountView(emptied!)).not.toHaveProperty('metadata');
  });

  it('refuses an unknown account and bad changes', () => {
    spec.given([]).when(change({ a: '1' })).thenThrows(NotFoundError);
    const error = spec.given([created()]).when(change({ a: 1 })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field: 'metadata.a', rule: 'type' })]);
  });
});
