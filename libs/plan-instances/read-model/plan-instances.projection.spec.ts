import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BillingGrid, PlanInstanceEvent, PlanSnapshot } from '../domain/plan-instance.events';
import type { BillingInterval } from '../../catalog/domain/plan.events';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { projectBatch } from '../../platform/projection-runner/project-batch';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { actionDate, PLAN_INSTANCES, PlanInstanceDoc, planInstancesProjection } from './plan-instances.projection';

const monthly = { unit: 'month' as const, count: 1 };
const snapshot = (id: string, version = 1, billingInterval: BillingInterval = monthly): PlanSnapshot => ({
  id,
  version,
  name: `Plan ${id}`,
  currency: 'USD',
  billingInterval,
  services: [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
});

let position = 0;
function recorded(event: PlanInstanceEvent, tenantId = 't1'): RecordedEvent {
  position += 1;
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: `planInstance-${tenantId}.${event.data.planInstanceId}`,
    revision: position - 1,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2019-02-10' },
  };
}

const assigned = (planInstanceId = 'pi-1', accountId = 'acme'): PlanInstanceEvent => ({
  type: 'PlanAssigned',
  data: {
    planInstanceId,
    accountId,
    plan: snapshot('gold'),
    quantity: 2,
    status: 'active',
    billingGroupId: 'bg-1',
    dunningGroupId: null,
    startDate: '2019-02-02',
    anchorDate: '2019-02-22',
    billDay: 22,
    altBillDay: 22,
    invoicingOption: 'prorated',
    prorationRule: 'prorate',
    warnings: [],
    assignedOn: '2019-02-10',
  },
});
const billed = (nextBillDate: string | null, planInstanceId = 'pi-1', reason: 'assignment' | 'billRun' | 'change' = 'billRun'): PlanInstanceEvent => ({
  type: 'PlanInstanceBilled',
  data: { planInstanceId, accountId: 'acme', reason, nextBillDate, charges: [], invoice: null },
});
const quantity = (from: number, to: number): PlanInstanceEvent => ({
  type: 'PlanQuantityChanged',
  data: { planInstanceId: 'pi-1', accountId: 'acme', from, to, effectiveDate: '2019-03-01', prorationRule: 'prorate' },
});
const scheduledSwitch = (planId: string, effectiveDate: string): PlanInstanceEvent => ({
  type: 'PlanChangeScheduled',
  data: { planInstanceId: 'pi-1', accountId: 'acme', change: { kind: 'switch', plan: snapshot(planId, 3), effectiveDate, prorationRule: 'prorate' } },
});
const scheduledCancel = (effectiveDate: string): PlanInstanceEvent => ({
  type: 'PlanChangeScheduled',
  data: { planInstanceId: 'pi-1', accountId: 'acme', change: { kind: 'cancel', effectiveDate, prorationRule: 'none' } },
});
const switched = (planId: string, effectiveDate: string, grid: BillingGrid = { anchorDate: '2019-02-22', billDay: 22, interval: monthly }): PlanInstanceEvent => ({
  type: 'PlanSwitched',
  data: { planInstanceId: 'pi-1', accountId: 'acme', from: { planId: 'gold', version: 1 }, plan: snapshot(planId, 3, grid.interval), effectiveDate, grid, prorationRule: 'prorate' },
});
const cancelled = (effectiveDate: string): PlanInstanceEvent => ({
  type: 'PlanCancelled',
  data: { planInstanceId: 'pi-1', accountId: 'acme', effectiveDate, prorationRule: 'prorate' },
});

describe('planInstances projection', () => {
  let dir: string;
  let store: ReadStore;
  const project = (events: RecordedEvent[]) => projectBatch(planInstancesProjection, events, store);
  const instance = async (id = 'pi-1', tenantId = 't1') => {
    const doc = await store.get<PlanInstanceDoc>(PLAN_INSTANCES, tenantId, id);
    if (!doc) return null;
    const { _position, id: _, ...rest } = doc;
    return rest;
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'plan-instances-projection-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections(planInstancesProjection.collections);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a future-dated assignment is "pending", due on its start date; a status change meanwhile keeps it pending; PlanInstanceActivated sets the status it starts in', async () => {
    const future = assigned();
    if (future.type !== 'PlanAssigned') throw new Error('PlanAssigned expected');
    const data = { ...future.data, startDate: '2019-03-05', anchorDate: '2019-03-05', billDay: 5 };
    await project([recorded({ type: 'PlanAssigned', data })]);
    expect(await instance()).toMatchObject({ status: 'pending', nextBillDate: '2019-03-05', nextActionDate: '2019-03-05' });

    await project([
      recorded({ type: 'PlanInstanceStatusChanged', data: { planInstanceId: 'pi-1', accountId: 'acme', from: 'active', to: 'suspended', reason: 'r', by: { type: 'operator' }, changedOn: '2019-02-11' } }),
    ]);
    expect(await instance()).toMatchObject({ status: 'pending' });

    await project([recorded({ type: 'PlanInstanceActivated', data: { planInstanceId: 'pi-1', accountId: 'acme', status: 'suspended', activatedOn: '2019-03-05' } }), recorded(billed('2019-04-05'))]);
    expect(await instance()).toMatchObject({ status: 'suspended', nextBillDate: '2019-04-05', nextActionDate: '2019-04-05' });
  });

  it('creates the instance on assignment, and the billing appended with it sets the next bill date', async () => {
    await project([recorded(assigned())]);
    expect(await instance()).toMatchObject({ nextBillDate: '2019-02-02', nextActionDate: '2019-02-02' });

    await project([recorded(billed('2019-02-22', 'pi-1', 'assignment'))]);
    expect(await instance()).toEqual({
      accountId: 'acme',
      planId: 'gold',
      planVersion: 1,
      planName: 'Plan gold',
      currency: 'USD',
      quantity: 2,
      status: 'active',
      billDay: 22,
      nextBillDate: '2019-02-22',
      startDate: '2019-02-02',
      anchorDate: '2019-02-22',
      billingInterval: monthly,
      billingGroupId: 'bg-1',
      dunningGroupId: null,
      invoicingOption: 'prorated',
      cancelledOn: null,
      pendingChange: null,
      nextActionDate: '2019-02-22',
    });
  });

  it('sees its own pending writes: assignment and billing in one batch, as one append is delivered', async () => {
    await project([recorded(assigned()), recorded(billed('2019-02-22', 'pi-1', 'assignment')), recorded(billed('2019-03-22'))]);
    expect(await instance()).toMatchObject({ nextBillDate: '2019-03-22', nextActionDate: '2019-03-22', status: 'active' });
  });

  it('changes the quantity', async () => {
    await project([recorded(assigned()), recorded(billed('2019-02-22')), recorded(quantity(2, 5))]);
    expect(await instance()).toMatchObject({ quantity: 5, nextActionDate: '2019-02-22' });
  });

  it('keeps a scheduled switch pending (without the services) and acts on the earlier of it and the next bill date', async () => {
    await project([recorded(assigned()), recorded(billed('2019-03-22')), recorded(scheduledSwitch('platinum', '2019-03-10'))]);
    expect(await instance()).toMatchObject({
      pendingChange: { kind: 'switch', effectiveDate: '2019-03-10', planId: 'platinum', planVersion: 3 },
      nextBillDate: '2019-03-22',
      nextActionDate: '2019-03-10',
    });

    // The bill run applies it: the plan and grid change, the pending switch is gone.
    const weekly = { unit: 'week' as const, count: 2 };
    await project([recorded(switched('platinum', '2019-03-10', { anchorDate: '2019-03-10', billDay: 10, interval: weekly })), recorded(billed('2019-03-24', 'pi-1', 'change'))]);
    expect(await instance()).toMatchObject({
      planId: 'platinum',
      planVersion: 3,
      planName: 'Plan platinum',
      billingInterval: weekly,
      billDay: 10,
      anchorDate: '2019-03-10',
      startDate: '2019-02-02',
      pendingChange: null,
      nextBillDate: '2019-03-24',
      nextActionDate: '2019-03-24',
    });
  });

  it('keeps a scheduled cancellation through an immediate switch', async () => {
    await project([recorded(assigned()), recorded(billed('2019-03-22')), recorded(scheduledCancel('2019-04-22')), recorded(switched('silver', '2019-03-01'))]);
    expect(await instance()).toMatchObject({ planId: 'silver', pendingChange: { kind: 'cancel', effectiveDate: '2019-04-22' }, nextActionDate: '2019-03-22' });
    expect((await instance())?.pendingChange).toEqual({ kind: 'cancel', effectiveDate: '2019-04-22' });
  });

  it('cancels: no next bill date, no pending change, no next action, even if a closing billing follows', async () => {
    await project([recorded(assigned()), recorded(billed('2019-03-22')), recorded(scheduledCancel('2019-03-22'))]);
    expect(await instance()).toMatchObject({ nextActionDate: '2019-03-22' });
    await project([recorded(cancelled('2019-03-22')), recorded(billed('2019-04-22', 'pi-1', 'change'))]);
    expect(await instance()).toMatchObject({
      status: 'cancelled',
      cancelledOn: '2019-03-22',
      nextBillDate: null,
      pendingChange: null,
      nextActionDate: null,
    });
  });

  it('answers the bill run: active instances with an action due, by nextActionDate', async () => {
    const other = (id: string, next: string) => [recorded(assigned(id, `acc-${id}`)), recorded(billed(next, id))];
    await project([...other('a', '2019-03-01'), ...other('b', '2019-03-05'), ...other('c', '2019-02-20'), ...other('pi-1', '2019-03-22'), recorded(cancelled('2019-03-01'))]);
    const due = await store.find<PlanInstanceDoc>(PLAN_INSTANCES, 't1', { filter: { status: 'active', nextActionDate: { lte: '2019-03-01' } }, sortBy: 'nextActionDate' });
    expect(due.items.map((doc) => doc.id)).toEqual(['c', 'a']);
    const ofAccount = await store.find<PlanInstanceDoc>(PLAN_INSTANCES, 't1', { filter: { accountId: 'acc-b' } });
    expect(ofAccount.items.map((doc) => doc.id)).toEqual(['b']);
  });

  it('changes nothing when committed events are redelivered with new ones (a later state is not rolled back)', async () => {
    const first = [recorded(assigned()), recorded(billed('2019-02-22')), recorded(billed('2019-03-22'))];
    await project(first);
    // Redelivered from the start (a checkpoint that was not committed with the writes), with a new event after.
    await project([...first, recorded(quantity(2, 3))]);
    expect(await instance()).toMatchObject({ quantity: 3, nextBillDate: '2019-03-22', nextActionDate: '2019-03-22', startDate: '2019-02-02' });
    // Only the middle of it again.
    await project([first[1]]);
    expect(await instance()).toMatchObject({ nextBillDate: '2019-03-22' });
  });

  it('keeps tenants apart', async () => {
    await project([recorded(assigned()), recorded(assigned('pi-1', 'other-account'), 't2')]);
    expect(await instance('pi-1', 't1')).toMatchObject({ accountId: 'acme' });
    expect(await instance('pi-1', 't2')).toMatchObject({ accountId: 'other-account' });
    expect(await instance('pi-2', 't1')).toBeNull();
  });

  it('computes the next action date', () => {
    expect(actionDate('active', '2019-03-22', null)).toBe('2019-03-22');
    expect(actionDate('active', '2019-03-22', { kind: 'cancel', effectiveDate: '2019-03-10' })).toBe('2019-03-10');
    expect(actionDate('active', '2019-03-22', { kind: 'cancel', effectiveDate: '2019-04-10' })).toBe('2019-03-22');
    expect(actionDate('active', null, null)).toBeNull();
    expect(actionDate('cancelled', '2019-03-22', null)).toBeNull();
    // Any other status stays due: the bill run skips what is not billable, moving its next bill date on.
    for (const status of ['suspended', 'terminated', 'onHold']) expect(actionDate(status, '2019-03-22', null)).toBe('2019-03-22');
  });

  it('follows PlanInstanceStatusChanged, staying due whatever the status', async () => {
    const changed = (from: string, to: string): PlanInstanceEvent => ({
      type: 'PlanInstanceStatusChanged',
      data: { planInstanceId: 'pi-1', accountId: 'acme', from, to, reason: 'why', by: { type: 'operator' }, changedOn: '2019-02-15' },
    });
    await project([recorded(assigned()), recorded(billed('2019-02-22', 'pi-1', 'assignment')), recorded(changed('active', 'terminated'))]);
    expect(await instance()).toMatchObject({ status: 'terminated', nextBillDate: '2019-02-22', nextActionDate: '2019-02-22' });
    await project([recorded(billed('2019-03-22')), recorded(changed('terminated', 'active'))]);
    expect(await instance()).toMatchObject({ status: 'active', nextBillDate: '2019-03-22', nextActionDate: '2019-03-22' });
  });
});
