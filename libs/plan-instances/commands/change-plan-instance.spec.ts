import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { planInstanceStream } from '../domain/plan-instance.decider';
import { PLAN_INSTANCES } from '../read-model/plan-instances.projection';
import { AssignPlanCommand } from './assign-plan';
import { ChangePlanInstanceCommand, PlanInstanceChange } from './change-plan-instance';
import { PlanInstanceResponse } from './plan-instance-response';

type PlanDefinition = CreatePlanCommand['data'];

const monthly = (id: string, unitPrice: string, currency = 'USD'): PlanDefinition => ({
  id,
  name: `Plan ${id}`,
  currency,
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice } }],
});
const TEN = monthly('ten', '10.00');
const TWENTY_NINE = monthly('twenty-nine', '29.00');
const YEN = monthly('yen-plan', '1000', 'JPY');
const snapshotOf = (plan: PlanDefinition) => ({ ...plan, version: 1 });

/** Invoice ids derive from the instance and its invoice count, so a preview names the invoice its commit posts. */
const invoiceId = (planInstanceId: string, count: number) => deterministicUuid('invoice', planInstanceId, String(count));

/** DOMAIN.md §4: monthly 10.00 assigned on 2024-02-01 (bill day 1), changed on 2024-02-15, 15 of February's 29 days left. */
const ASSIGNED_ON = '2024-02-01';
const TODAY = '2024-02-15';
const ID = 'pi-d';

describe('ChangePlanInstance (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;
  let stream: string;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: TODAY });
    await harness.givenTenant();
    await harness.when(new CreateAccountCommand({ id: 'd', name: 'd', currency: 'USD' }, harness.context()));
    for (const plan of [TEN, TWENTY_NINE, YEN]) await harness.when(new CreatePlanCommand(plan, harness.context()));
    await harness.when(
      new AssignPlanCommand({ tenant: harness.tenant, accountId: 'd', input: { id: ID, planId: 'ten' } }, harness.context({ businessDate: ASSIGNED_ON })),
    );
    stream = planInstanceStream(harness.tenant.id, ID);
  });
  afterEach(() => harness.stop());

  const change = (input: PlanInstanceChange, context = harness.context()) =>
    harness.when<PlanInstanceResponse>(new ChangePlanInstanceCommand({ tenant: harness.tenant, planInstanceId: ID, change: input }, context));
  const switchTo = (planId: string, extra: Record<string, unknown> = {}) => ({ type: 'SwitchPlan', input: { planId, ...extra } }) as const;
  const quantity = (to: unknown, extra: Record<string, unknown> = {}) => ({ type: 'ChangePlanQuantity', input: { quantity: to, ...extra } }) as const;
  const cancel = (effective?: unknown, extra: Record<string, unknown> = {}) => ({ type: 'CancelPlan', input: { ...(effective === undefined ? {} : { effective }), ...extra } }) as const;

  /** The error a command is refused with, and that it wrote nothing. */
  async function refusal(send: () => Promise<unknown>): Promise<Error & { details?: unknown }> {
    const head = await harness.events.headPosition();
    const error = await send().then(
      () => undefined,
      (thrown: Error) => thrown,
    );
    expect(await harness.events.headPosition()).toBe(head);
    if (error === undefined) throw new Error('the command was not refused');
    return error;
  }

  /** A prorated line of the 2024-02-15 change: the 15 days to the end of February. */
  const line = (type: 'credit' | 'recurring', plan: string, unitPrice: string, qty: string, amount: number) => ({
    type,
    planInstanceId: ID,
    serviceId: 'base',
    description: `${type === 'credit' ? 'Credit for unused time: ' : ''}Plan ${plan} – Base fee (15 of 29 days)`,
    periodStart: TODAY,
    periodEnd: '2024-02-29',
    quantity: qty,
    unitPrice,
    amount,
    prorated: true,
  });
  const invoiceOf = (lines: ReturnType<typeof line>[]) => ({
    accountId: 'd',
    planInstanceId: ID,
    invoiceDate: TODAY,
    dueDate: TODAY,
    currency: 'USD',
    total: lines.reduce((total, { amount }) => total + amount, 0),
    lines,
  });

  describe('SwitchPlan', () => {
    it('now: credits 5.17 of the old plan, charges 15.00 of the new one (DOMAIN.md §4), the grid kept', async () => {
      const { body, events } = await change(switchTo('twenty-nine'));

      const invoice = invoiceOf([line('credit', 'ten', '10.00', '1', -517), line('recurring', 'twenty-nine', '29.00', '1', 1500)]);
      expect(invoice.total).toBe(983);
      expect(events).toEqual([
        {
          stream,
          type: 'PlanSwitched',
          data: {
            planInstanceId: ID,
            accountId: 'd',
            from: { planId: 'ten', version: 1 },
            plan: snapshotOf(TWENTY_NINE),
            effectiveDate: TODAY,
            grid: { anchorDate: ASSIGNED_ON, billDay: 1, interval: { unit: 'month', count: 1 } },
            prorationRule: 'prorate',
          },
        },
        {
          stream,
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId: ID,
            accountId: 'd',
            reason: 'change',
            nextBillDate: '2024-03-01',
            charges: [{ serviceId: 'base', quantity: 1, periodPrice: '29', unitPrice: '29.00' }],
            invoice: { invoiceId: invoiceId(ID, 2), ...invoice },
          },
        },
      ]);
      expect(body).toEqual({ planInstanceId: ID, billDay: 1, nextBillDate: '2024-03-01', status: 'active', warnings: [], invoice: { id: invoiceId(ID, 2), ...invoice, subtotal: invoice.total, tax: 0 } });
      expect(await harness.store.get(PLAN_INSTANCES, harness.tenant.id, ID)).toMatchObject({ planId: 'twenty-nine' });
    });

    it('at the next bill date: schedules the switch, bills nothing now', async () => {
      const { body, events } = await change(switchTo('twenty-nine', { effective: 'nextBillDate' }));

      expect(events).toEqual([
        {
          stream,
          type: 'PlanChangeScheduled',
          data: { planInstanceId: ID, accountId: 'd', change: { kind: 'switch', plan: snapshotOf(TWENTY_NINE), effectiveDate: '2024-03-01', prorationRule: 'prorate' } },
        },
      ]);
      expect(body).toEqual({ planInstanceId: ID, billDay: 1, nextBillDate: '2024-03-01', status: 'active', warnings: [], invoice: null });
    });

    it.each([
      ['an unknown plan', switchTo('nope'), RuleViolationError, 'plan nope does not exist', { field: 'planId', rule: 'planExists' }],
      ['a plan in another currency', switchTo('yen-plan'), RuleViolationError, 'plan yen-plan is priced in JPY but this plan instance bills in USD', { field: 'planId', rule: 'sameCurrency' }],
      ['the plan it is on', switchTo('ten'), ConflictError, 'plan instance pi-d is already on plan ten version 1', { field: 'planId', rule: 'differentPlan' }],
      ['an unknown effective', switchTo('twenty-nine', { effective: 'someday' }), InvalidInputError, 'effective must be one of "now", "nextBillDate" (got "someday")', { field: 'effective', rule: 'oneOf' }],
    ] as const)('refuses %s and writes nothing', async (_what, input, errorClass, message, detail) => {
      const error = await refusal(() => change(input));

      expect(error).toBeInstanceOf(errorClass);
      expect(error.message).toBe(message);
      expect(error.details).toEqual([expect.objectContaining(detail)]);
    });
  });

  describe('ChangePlanQuantity', () => {
    it('from today: credits the unused days of quantity 1, charges them at quantity 3', async () => {
      const { body, events } = await change(quantity(3));

      // 10 × 15/29 = 5.17 back; 30 × 15/29 = 15.517… → 15.52 charged.
      const invoice = invoiceOf([line('credit', 'ten', '10.00', '1', -517), line('recurring', 'ten', '10.00', '3', 1552)]);
      expect(events).toEqual([
        { stream, type: 'PlanQuantityChanged', data: { planInstanceId: ID, accountId: 'd', from: 1, to: 3, effectiveDate: TODAY, prorationRule: 'prorate' } },
        {
          stream,
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId: ID,
            accountId: 'd',
            reason: 'change',
            nextBillDate: '2024-03-01',
            charges: [{ serviceId: 'base', quantity: 3, periodPrice: '30', unitPrice: '10.00' }],
            invoice: { invoiceId: invoiceId(ID, 2), ...invoice },
          },
        },
      ]);
      expect(body).toEqual({ planInstanceId: ID, billDay: 1, nextBillDate: '2024-03-01', status: 'active', warnings: [], invoice: { id: invoiceId(ID, 2), ...invoice, subtotal: invoice.total, tax: 0 } });
    });

    it('with prorationRule "none" for this call: records the change, credits and charges nothing until the next period', async () => {
      const { body, events } = await change(quantity(3, { prorationRule: 'none' }));

      expect(events).toEqual([
        { stream, type: 'PlanQuantityChanged', data: { planInstanceId: ID, accountId: 'd', from: 1, to: 3, effectiveDate: TODAY, prorationRule: 'none' } },
      ]);
      expect(body.invoice).toBeNull();
    });

    it('the quantity it already has changes nothing and writes nothing', async () => {
      const head = await harness.events.headPosition();

      const { body, events, position } = await change(quantity(1));

      expect(events).toEqual([]);
      expect(position).toBe(head);
      expect(body).toEqual({ planInstanceId: ID, billDay: 1, nextBillDate: '2024-03-01', status: 'active', warnings: [], invoice: null });
    });

    it.each([
      ['quantity 0', quantity(0), 'quantity must be a whole number from 1 to 1000000000 (got 0)', { field: 'quantity', rule: 'range' }],
      ['quantity "3"', quantity('3'), 'quantity must be a whole number from 1 to 1000000000 (got "3")', { field: 'quantity', rule: 'range' }],
      ['an unknown proration rule', quantity(3, { prorationRule: 'half' }), 'prorationRule must be one of "prorate", "none" (got "half")', { field: 'prorationRule', rule: 'oneOf' }],
    ] as const)('refuses %s and writes nothing', async (_what, input, message, detail) => {
      const error = await refusal(() => change(input));

      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toBe(message);
      expect(error.details).toEqual([expect.objectContaining(detail)]);
    });
  });

  describe('CancelPlan', () => {
    it('now: credits the unused days and ends billing', async () => {
      const { body, events } = await change(cancel('now'));

      const invoice = invoiceOf([line('credit', 'ten', '10.00', '1', -517)]);
      expect(events).toEqual([
        { stream, type: 'PlanCancelled', data: { planInstanceId: ID, accountId: 'd', effectiveDate: TODAY, prorationRule: 'prorate' } },
        {
          stream,
          type: 'PlanInstanceBilled',
          data: { planInstanceId: ID, accountId: 'd', reason: 'change', nextBillDate: null, charges: [], invoice: { invoiceId: invoiceId(ID, 2), ...invoice } },
        },
      ]);
      expect(body).toEqual({ planInstanceId: ID, billDay: 1, nextBillDate: null, status: 'cancelled', warnings: [], invoice: { id: invoiceId(ID, 2), ...invoice, subtotal: invoice.total, tax: 0 } });
    });

    it('without effective: cancels now', async () => {
      const { events } = await change(cancel());

      expect(events.map((event) => [event.type, event.data.effectiveDate ?? event.data.nextBillDate])).toEqual([
        ['PlanCancelled', TODAY],
        ['PlanInstanceBilled', null],
      ]);
    });

    it.each([
      ['at the next bill date', 'nextBillDate', '2024-03-01'],
      ['on a later date', '2024-02-20', '2024-02-20'],
    ])('%s: schedules the cancellation, bills nothing now', async (_when, effective, effectiveDate) => {
      const { body, events } = await change(cancel(effective));

      expect(events).toEqual([
        { stream, type: 'PlanChangeScheduled', data: { planInstanceId: ID, accountId: 'd', change: { kind: 'cancel', effectiveDate, prorationRule: 'prorate' } } },
      ]);
      expect(body).toEqual({ planInstanceId: ID, billDay: 1, nextBillDate: '2024-03-01', status: 'active', warnings: [], invoice: null });
    });

    it.each([
      ['an effective that is neither a keyword nor a date', cancel('soon'), InvalidInputError, 'effective must be "now", "nextBillDate" or a date written YYYY-MM-DD (got "soon")', { field: 'effective', rule: 'cancelEffective' }],
      [
        'a date before the period in force',
        cancel('2024-01-31'),
        RuleViolationError,
        'a cancellation may not take effect before 2024-02-01, the first day of the period in force; earlier periods are closed (got 2024-01-31)',
        { field: 'effective', rule: 'openPeriod' },
      ],
    ] as const)('refuses %s and writes nothing', async (_what, input, errorClass, message, detail) => {
      const error = await refusal(() => change(input));

      expect(error).toBeInstanceOf(errorClass);
      expect(error.message).toBe(message);
      expect(error.details).toEqual([expect.objectContaining(detail)]);
    });
  });

  describe.each([
    ['SwitchPlan', switchTo('twenty-nine'), ['PlanSwitched', 'PlanInstanceBilled']],
    ['ChangePlanQuantity', quantity(3), ['PlanQuantityChanged', 'PlanInstanceBilled']],
    ['CancelPlan', cancel('now'), ['PlanCancelled', 'PlanInstanceBilled']],
  ] as const)('%s, for every change', (_type, input, types) => {
    it('a preview (doWrite: false) answers exactly what the commit then does, and writes nothing', async () => {
      const head = await harness.events.headPosition();
      const before = await harness.store.get(PLAN_INSTANCES, harness.tenant.id, ID);

      const preview = await change({ ...input, input: { ...input.input, doWrite: false } } as PlanInstanceChange);

      expect(preview.events).toEqual([]);
      expect(preview.position).toBe(0);
      expect(await harness.events.headPosition()).toBe(head);
      expect(await harness.store.get(PLAN_INSTANCES, harness.tenant.id, ID)).toEqual(before);

      const commit = await change(input);
      expect(commit.body).toEqual(preview.body);
      expect(commit.events.map((event) => event.type)).toEqual(types);
    });

    it('the same command id again writes nothing and answers the instance as the first left it', async () => {
      const context = harness.context();
      const first = await change(input, context);

      const again = await change(input, context);

      expect(again.events).toEqual([]);
      expect(again.position).toBe(first.position);
      // Answered from the events the command id wrote the first time: the first answer's invoice too.
      expect(again.body).toEqual(first.body);
    });

    it('refuses an unknown plan instance (404) and writes nothing', async () => {
      const error = await refusal(() => harness.when(new ChangePlanInstanceCommand({ tenant: harness.tenant, planInstanceId: 'ghost', change: input }, harness.context())));

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Plan instance ghost was not found');
    });

    it('refuses a cancelled plan instance and writes nothing', async () => {
      await change(cancel('now'));

      const error = await refusal(() => change(input));

      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.message).toBe('plan instance pi-d was cancelled on 2024-02-15; a cancelled plan instance cannot be changed');
      expect(error.details).toEqual([expect.objectContaining({ field: 'planInstanceId', rule: 'notCancelled' })]);
    });
  });
});
