import { InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { StatusChangedBy, StatusSettings } from '../../tenancy/domain';
import { ChangePlanInstanceStatus, RestorePlanInstanceStatusAfterDunning } from './plan-instance.commands';
import { planInstanceDecider } from './plan-instance.decider';
import { PlanInstanceBilled, PlanInstanceEvent, PlanInstanceStatusChanged, PlanSnapshot } from './plan-instance.events';
import { assign, bill, cancel, changeQuantity, history, invoicesOf, linesOf, monthlyPlan, runAll, usageFacts } from './testing/plan-instance-fixtures';

/** Plan-instance statuses (issue 18): who changes them, dunning's hold and restore, and what they mean for billing. */

const spec = specFor(planInstanceDecider);
const basic = monthlyPlan('100.00');
const settings: StatusSettings = { customStatuses: [{ name: 'onHold', billable: false }, { name: 'vip', billable: true }] };

const setStatus = (status: unknown, today: string, reason: unknown = 'why', dunningCaseId?: string): ChangePlanInstanceStatus => ({
  type: 'ChangePlanInstanceStatus',
  data: { planInstanceId: 'pi-1', status, reason, ...(dunningCaseId ? { dunningCaseId } : {}), settings, today },
});
const restore = (caseId: string, today: string): RestorePlanInstanceStatusAfterDunning => ({
  type: 'RestorePlanInstanceStatusAfterDunning',
  data: { planInstanceId: 'pi-1', caseId, today },
});
const operator: StatusChangedBy = { type: 'operator' };
const dunning: StatusChangedBy = { type: 'dunning', caseId: 'case-1' };
const changed = (from: string, to: string, changedOn: string, by: StatusChangedBy = operator, reason = 'why'): PlanInstanceStatusChanged => ({
  type: 'PlanInstanceStatusChanged',
  data: { planInstanceId: 'pi-1', accountId: 'acc-1', from, to, reason, by, changedOn },
});

/** Assigned on 2024-02-01 (February invoiced), then the status changes. */
const assigned = history(assign(basic, '2024-02-01'));
const withStatus = (status: string, on = '2024-02-10', by: StatusChangedBy = operator) => [...assigned, changed('active', status, on, by)];

const billed = (events: PlanInstanceEvent[]) => events.filter((event): event is PlanInstanceBilled => event.type === 'PlanInstanceBilled');

describe('Plan instance status: assignment', () => {
  it.each(['suspended', 'vip', 'onHold'])('may start %s', (status) => {
    const [event] = runAll([assign(basic, '2024-02-01', { status, statusSettings: settings })]).events;
    expect(event).toMatchObject({ type: 'PlanAssigned', data: { status } });
  });

  it.each(['terminated', 'cancelled', 'paused'])('status %j: 400 knownStatus, listing what is allowed', (status) => {
    const error = spec.given([]).when(assign(basic, '2024-02-01', { status, statusSettings: settings })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([
      { field: 'status', rule: 'knownStatus', message: `status must be one of active, suspended, onHold, vip (got ${JSON.stringify(status)})` },
    ]);
  });

  it('starting in a status that is not billable skips the first period: no invoice, billing from the next period', () => {
    const { events } = runAll([assign(basic, '2024-02-10', { status: 'onHold', statusSettings: settings })]);
    expect(billed(events)).toEqual([
      {
        type: 'PlanInstanceBilled',
        data: { planInstanceId: 'pi-1', accountId: 'acc-1', reason: 'assignment', nextBillDate: '2024-03-10', charges: [], invoice: null, skipped: { reason: 'notBillable', from: '2024-02-10', to: '2024-03-10' } },
      },
    ]);
  });
});

describe('Plan instance status: an operator changes it', () => {
  it.each(['suspended', 'terminated', 'onHold', 'vip'])('active → %s, dated by the business date', (status) => {
    spec.given(assigned).when(setStatus(status, '2024-02-10')).then([changed('active', status, '2024-02-10')]);
  });

  it('terminated → active again', () => {
    spec.given(withStatus('terminated')).when(setStatus('active', '2024-02-20', 'back')).then([changed('terminated', 'active', '2024-02-20', operator, 'back')]);
  });

  it('the same status again writes nothing', () => {
    spec.given(withStatus('suspended')).when(setStatus('suspended', '2024-02-11')).then([]);
  });

  it.each(['cancelled', 'paused', null])('status %j: 400 knownStatus', (status) => {
    const error = spec.given(assigned).when(setStatus(status, '2024-02-10')).thenThrows(InvalidInputError, /status must be one of active, suspended, terminated, onHold, vip/);
    expect(error.details[0]).toMatchObject({ field: 'status', rule: 'knownStatus' });
  });

  it('no reason: 400 on reason', () => {
    const error = spec.given(assigned).when(setStatus('suspended', '2024-02-10', '')).thenThrows(InvalidInputError);
    expect(error.details[0]).toMatchObject({ field: 'reason' });
  });

  it('a cancelled plan instance cannot change status: 422 (dunning: nothing to hold, writes nothing)', () => {
    const cancelledHistory = history(assign(basic, '2024-02-01'), cancel('2024-02-10'));
    const error = spec.given(cancelledHistory).when(setStatus('active', '2024-02-11')).thenThrows(RuleViolationError, /cancelled plan instance cannot change status/);
    expect(error.details[0]).toMatchObject({ field: 'status', rule: 'notCancelled' });
    spec.given(cancelledHistory).when(setStatus('suspended', '2024-02-11', 'step', 'case-1')).then([]);
    spec.given(cancelledHistory).when(restore('case-1', '2024-02-11')).then([]);
  });
});

describe('Plan instance status: dunning holds and restores', () => {
  it('a dunning change, then its restore back to the status before', () => {
    spec.given(assigned).when(setStatus('suspended', '2024-02-10', 'step 2', 'case-1')).then([changed('active', 'suspended', '2024-02-10', dunning, 'step 2')]);
    spec.given(withStatus('suspended', '2024-02-10', dunning)).when(restore('case-1', '2024-02-20')).then([changed('suspended', 'active', '2024-02-20', dunning, 'dunning resolved')]);
  });

  it('the same case changing it again keeps the first status before', () => {
    const given = [...withStatus('suspended', '2024-02-10', dunning), changed('suspended', 'terminated', '2024-02-15', dunning)];
    spec.given(given).when(restore('case-1', '2024-02-20')).then([changed('terminated', 'active', '2024-02-20', dunning, 'dunning resolved')]);
  });

  it('repeats write nothing: the same dunning change, a second restore', () => {
    spec.given(withStatus('suspended', '2024-02-10', dunning)).when(setStatus('suspended', '2024-02-11', 'step 2', 'case-1')).then([]);
    const restored = [...withStatus('suspended', '2024-02-10', dunning), changed('suspended', 'active', '2024-02-20', dunning, 'dunning resolved')];
    spec.given(restored).when(restore('case-1', '2024-02-21')).then([]);
  });

  it('an operator changed it meanwhile: theirs stands', () => {
    const given = [...withStatus('suspended', '2024-02-10', dunning), changed('suspended', 'terminated', '2024-02-12')];
    spec.given(given).when(restore('case-1', '2024-02-20')).then([]);
  });

  it('another case restores nothing', () => {
    spec.given(withStatus('suspended', '2024-02-10', dunning)).when(restore('case-2', '2024-02-20')).then([]);
  });
});

describe('Plan instance status: billing skips while not billable, and resumes without back-billing', () => {
  const skippedBilling = (from: string, to: string): PlanInstanceBilled => ({
    type: 'PlanInstanceBilled',
    data: { planInstanceId: 'pi-1', accountId: 'acc-1', reason: 'billRun', nextBillDate: to, charges: [], invoice: null, skipped: { reason: 'notBillable', from, to } },
  });

  it('terminated: the due period is skipped, its start moves on, nothing is invoiced', () => {
    spec.given(withStatus('terminated')).when(bill('2024-03-01')).then([skippedBilling('2024-03-01', '2024-04-01')]);
  });

  it('a bill run that catches up several periods skips them all in one fact', () => {
    spec.given(withStatus('terminated')).when(bill('2024-05-03')).then([skippedBilling('2024-03-01', '2024-06-01')]);
  });

  it('a repeated bill run writes nothing more', () => {
    const given = [...withStatus('terminated'), skippedBilling('2024-03-01', '2024-04-01')];
    spec.given(given).when(bill('2024-03-01')).then([]);
  });

  it('suspended is billed by default; skipped when the tenant does not bill while suspended', () => {
    const [invoice] = invoicesOf(runAll([bill('2024-03-01')], withStatus('suspended')).events.slice(withStatus('suspended').length));
    expect(invoice).toMatchObject({ invoiceDate: '2024-03-01', total: 10000 });
    spec.given(withStatus('suspended')).when(bill('2024-03-01', { statusSettings: { billWhileSuspended: false } })).then([skippedBilling('2024-03-01', '2024-04-01')]);
  });

  it('a custom status bills as its flag says', () => {
    spec.given(withStatus('onHold')).when(bill('2024-03-01', { statusSettings: settings })).then([skippedBilling('2024-03-01', '2024-04-01')]);
    expect(invoicesOf(decided(withStatus('vip'), bill('2024-03-01', { statusSettings: settings })))).toHaveLength(1);
  });

  it("an account that is not billable (the bill run's billable: false) skips an active instance", () => {
    spec.given(assigned).when(bill('2024-03-01', { billable: false })).then([skippedBilling('2024-03-01', '2024-04-01')]);
  });

  it('back to active mid-period: nothing for the rest of that period, billing resumes at the next period start', () => {
    const { events, perCommand } = runAll(
      [bill('2024-03-01'), setStatus('active', '2024-03-15', 'paid'), bill('2024-03-15'), bill('2024-04-01')],
      withStatus('terminated'),
    );
    expect(perCommand[2]).toEqual([]);
    const invoices = invoicesOf(events.slice(assigned.length));
    expect(invoices.map((invoice) => [invoice.invoiceDate, linesOf(invoice)])).toEqual([
      ['2024-04-01', [{ type: 'recurring', serviceId: 'seat', periodStart: '2024-04-01', periodEnd: '2024-04-30', quantity: '1', amount: 10000 }]],
    ]);
  });

  it('a skipped period was not charged, so cancelling in it credits nothing', () => {
    const { perCommand } = runAll([bill('2024-03-01'), cancel('2024-03-15')], withStatus('terminated'));
    expect(invoicesOf(perCommand[1])).toEqual([]);
    expect(perCommand[1].map((event) => event.type)).toEqual(['PlanCancelled']);
  });

  it('a change while not billable charges nothing (and credits what the period in force was charged)', () => {
    // February was charged before the suspension: a quantity change credits its unused days and charges none.
    const { perCommand } = runAll([changeQuantity(2, '2024-02-15', { statusSettings: { billWhileSuspended: false } })], withStatus('suspended'));
    const [invoice] = invoicesOf(perCommand[0]);
    expect(linesOf(invoice).map((line) => line.type)).toEqual(['credit']);
  });

  it('usage: the usage billed at a skipped bill date (the period just ended) is not billed, then or later', () => {
    const metered: PlanSnapshot = {
      ...basic,
      services: [...basic.services, { id: 'gb', name: 'Data', type: 'usage', pricing: { model: 'perUnit', unitPrice: '1.00' } }],
    };
    const given = [...history(assign(metered, '2024-02-01')), changed('active', 'terminated', '2024-02-10')];
    const usage = usageFacts({ gb: { from: '2024-02-01', to: '2024-03-02', onTime: { '2024-02-05': '7' } } });
    const skipped = decided(given, bill('2024-03-01', { usage }));
    expect(invoicesOf(skipped)).toEqual([]);
    expect(skipped[0]).toMatchObject({ data: { skipped: { from: '2024-03-01' }, usage: { billedTo: { gb: '2024-03-01' } } } });
    // Active again: the April bill run bills March's usage only, February's stays unbilled.
    const later = usageFacts({ gb: { from: '2024-03-01', to: '2024-04-02', onTime: { '2024-03-05': '3' } } });
    const resumed = decided([...given, ...skipped, changed('terminated', 'active', '2024-03-10')], bill('2024-04-01', { usage: later }));
    expect(linesOf(invoicesOf(resumed)[0])).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: '2024-03-01', periodEnd: '2024-03-31', quantity: '3', amount: 300 },
      { type: 'recurring', serviceId: 'seat', periodStart: '2024-04-01', periodEnd: '2024-04-30', quantity: '1', amount: 10000 },
    ]);
  });
});

function decided(given: PlanInstanceEvent[], command: Parameters<typeof planInstanceDecider.decide>[0]): PlanInstanceEvent[] {
  return runAll([command], given).perCommand[0];
}
