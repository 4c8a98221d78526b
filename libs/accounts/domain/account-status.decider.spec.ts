import { fold } from '../../shared-kernel/decider';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { StatusChangedBy, StatusSettings } from '../../tenancy/domain';
import { ChangeAccountStatus, RestoreAccountStatusAfterDunning } from './account.commands';
import { accountDecider, accountView } from './account.decider';
import { AccountCreated, AccountEvent, AccountStatusChanged } from './account.events';

const spec = specFor(accountDecider);
const TODAY = '2024-03-05';
const settings: StatusSettings = { customStatuses: [{ name: 'onHold', billable: false }], billWhileSuspended: true };

const created: AccountCreated = {
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
  },
};

const change = (status: unknown, reason: unknown = 'why', dunningCaseId?: string): ChangeAccountStatus => ({
  type: 'ChangeAccountStatus',
  data: { accountId: 'acct-1', status, reason, ...(dunningCaseId ? { dunningCaseId } : {}), settings, today: TODAY },
});
const restore = (caseId: string): RestoreAccountStatusAfterDunning => ({ type: 'RestoreAccountStatusAfterDunning', data: { accountId: 'acct-1', caseId, today: TODAY } });

const operator: StatusChangedBy = { type: 'operator' };
const dunning = (caseId = 'case-1'): StatusChangedBy => ({ type: 'dunning', caseId });
const changed = (from: string, to: string, by: StatusChangedBy = operator, reason = 'why'): AccountStatusChanged => ({
  type: 'AccountStatusChanged',
  data: { accountId: 'acct-1', from, to, reason, by, changedOn: TODAY },
});

const stateAfter = (events: AccountEvent[]) => fold(accountDecider, events);

describe('Account status: an operator changes it', () => {
  it.each(['suspended', 'terminated', 'onHold'])('active → %s, with the reason and the business date', (status) => {
    spec.given([created]).when(change(status)).then([changed('active', status)]);
  });

  it('terminated → active again', () => {
    spec.given([created, changed('active', 'terminated')]).when(change('active', 'reopened')).then([changed('terminated', 'active', operator, 'reopened')]);
  });

  it('the same status again writes nothing', () => {
    spec.given([created, changed('active', 'suspended')]).when(change('suspended')).then([]);
    spec.given([created]).when(change('active')).then([]);
  });

  it('the account shows the status it changed to', () => {
    expect(stateAfter([created, changed('active', 'suspended')])?.status).toBe('suspended');
  });

  it.each(['cancelled', 'paused', ''])('status %j: 400 knownStatus, listing the statuses', (status) => {
    const error = spec.given([created]).when(change(status)).thenThrows(InvalidInputError, 'status must be one of active, suspended, terminated, onHold');
    expect(error.details).toEqual([expect.objectContaining({ field: 'status', rule: 'knownStatus' })]);
  });

  it('a missing or blank reason: 400 on reason', () => {
    for (const reason of [null, '  ']) {
      const error = spec.given([created]).when(change('suspended', reason)).thenThrows(InvalidInputError);
      expect(error.details[0].field).toBe('reason');
    }
  });

  it('an account that does not exist: 404', () => {
    spec.given([]).when(change('suspended')).thenThrows(NotFoundError, 'Account acct-1 was not found');
  });
});

describe('Account status: dunning changes it and restores it', () => {
  it('a dunning change names its case and holds what it found', () => {
    spec.given([created]).when(change('suspended', 'step 2', 'case-1')).then([changed('active', 'suspended', dunning(), 'step 2')]);
    expect(stateAfter([created, changed('active', 'suspended', dunning())])?.dunningHold).toEqual({ caseId: 'case-1', statusBefore: 'active', statusSet: 'suspended' });
  });

  it('the hold is not part of the account the API shows', () => {
    const state = stateAfter([created, changed('active', 'suspended', dunning())]);
    expect(accountView(state!)).not.toHaveProperty('dunningHold');
  });

  it('the same dunning change again writes nothing (idempotent)', () => {
    spec.given([created, changed('active', 'suspended', dunning())]).when(change('suspended', 'step 2', 'case-1')).then([]);
  });

  it('restore goes back to the status before the case, by dunning, "dunning resolved"', () => {
    spec.given([created, changed('active', 'suspended', dunning())]).when(restore('case-1')).then([changed('suspended', 'active', dunning(), 'dunning resolved')]);
  });

  it('a case that changes it twice restores the status before its first change', () => {
    const given = [created, changed('active', 'suspended', dunning()), changed('suspended', 'terminated', dunning())];
    spec.given(given).when(restore('case-1')).then([changed('terminated', 'active', dunning(), 'dunning resolved')]);
  });

  it('a restore repeated writes nothing: nothing is held any more', () => {
    const given = [created, changed('active', 'suspended', dunning()), changed('suspended', 'active', dunning(), 'dunning resolved')];
    expect(stateAfter(given)?.dunningHold).toBeUndefined();
    spec.given(given).when(restore('case-1')).then([]);
  });

  it("an operator changed it meanwhile: theirs stands, the restore writes nothing", () => {
    spec.given([created, changed('active', 'suspended', dunning()), changed('suspended', 'terminated')]).when(restore('case-1')).then([]);
    // Even back to the status dunning set: the operator's change cleared the hold.
    spec.given([created, changed('active', 'suspended', dunning()), changed('suspended', 'onHold'), changed('onHold', 'suspended')]).when(restore('case-1')).then([]);
  });

  it('another case, or no case at all, restores nothing', () => {
    spec.given([created, changed('active', 'suspended', dunning())]).when(restore('case-2')).then([]);
    spec.given([created]).when(restore('case-1')).then([]);
  });

  it('dunning asking for the status an operator already set writes nothing and holds nothing', () => {
    const given = [created, changed('active', 'suspended')];
    spec.given(given).when(change('suspended', 'step 2', 'case-1')).then([]);
    spec.given(given).when(restore('case-1')).then([]);
  });
});
