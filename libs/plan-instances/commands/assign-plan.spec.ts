import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { planInstanceStream } from '../domain/plan-instance.decider';
import { INVOICES } from '../read-model/invoices.projection';
import { PLAN_INSTANCES } from '../read-model/plan-instances.projection';
import { AssignPlanCommand, AssignPlanDto } from './assign-plan';
import { PlanInstanceResponse } from './plan-instance-response';

type PlanDefinition = CreatePlanCommand['data'];

const monthly = (id: string, unitPrice: string, currency = 'USD'): PlanDefinition => ({
  id,
  name: `Plan ${id}`,
  currency,
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice } }],
});
const BASIC = monthly('basic', '100.00');
const YEN = monthly('yen-plan', '1000', 'JPY');
/** The plan as the instance keeps it: the version it was assigned at. */
const snapshotOf = (plan: PlanDefinition) => ({ ...plan, version: 1 });

/** Invoice ids derive from the instance and its invoice count, so a preview names the invoice its commit posts. */
const invoiceId = (planInstanceId: string, count: number) => deterministicUuid('invoice', planInstanceId, String(count));

/** DOMAIN.md §4 worked examples A, B and C: monthly 100.00 USD, today 2019-02-10, retroactive start 2019-02-02. */
const CASES = {
  A: { extra: {}, billDay: 2, anchorDate: '2019-02-02', altBillDay: null, invoicingOption: 'full', warnings: [], periodEnd: '2019-03-01', amount: 10000, description: 'Plan basic – Base fee', prorated: false, nextBillDate: '2019-03-02' },
  B: { extra: { altBillDay: 22, invoicingOption: 'prorated' }, billDay: 22, anchorDate: '2019-02-22', altBillDay: 22, invoicingOption: 'prorated', warnings: [], periodEnd: '2019-02-21', amount: 6452, description: 'Plan basic – Base fee (20 of 31 days)', prorated: true, nextBillDate: '2019-02-22' },
  C: {
    extra: { altBillDay: 7 },
    billDay: 2,
    anchorDate: '2019-02-02',
    altBillDay: 7,
    invoicingOption: 'full',
    warnings: ['altBillDay 7 was ignored because invoicingOption is "full"; the bill day is 2, the start date\'s day'],
    periodEnd: '2019-03-01',
    amount: 10000,
    description: 'Plan basic – Base fee',
    prorated: false,
    nextBillDate: '2019-03-02',
  },
} as const;

describe('AssignPlan (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.givenTenant();
    for (const id of ['a', 'b', 'c']) await harness.when(new CreateAccountCommand({ id, name: id, currency: 'USD' }, harness.context()));
    for (const plan of [BASIC, YEN]) await harness.when(new CreatePlanCommand(plan, harness.context()));
  });
  afterEach(() => harness.stop());

  const assign = (accountId: string, input: Partial<AssignPlanDto>, context = harness.context()) =>
    harness.when<PlanInstanceResponse>(new AssignPlanCommand({ tenant: harness.tenant, accountId, input: { planId: 'basic', ...input } }, context));

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

  describe.each(Object.entries(CASES))('DOMAIN.md §4 case %s', (_case, expected) => {
    const accountId = 'b';
    const planInstanceId = 'pi-1';
    const line = {
      type: 'recurring',
      planInstanceId,
      serviceId: 'base',
      description: expected.description,
      periodStart: '2019-02-02',
      periodEnd: expected.periodEnd,
      quantity: '1',
      unitPrice: '100.00',
      amount: expected.amount,
      prorated: expected.prorated,
    };
    const invoice = { accountId, planInstanceId, invoiceDate: '2019-02-10', dueDate: '2019-02-10', currency: 'USD', total: expected.amount, lines: [line] };

    it('assigns on the instance stream, bills every period begun by today on one invoice, and answers it', async () => {
      const { body, events } = await assign(accountId, { id: planInstanceId, retroactiveStartDate: '2019-02-02', ...expected.extra });

      const stream = planInstanceStream(harness.tenant.id, planInstanceId);
      expect(events).toEqual([
        {
          stream,
          type: 'PlanAssigned',
          data: {
            planInstanceId,
            accountId,
            plan: snapshotOf(BASIC),
            quantity: 1,
            status: 'active',
            billingGroupId: null,
            dunningGroupId: null,
            startDate: '2019-02-02',
            anchorDate: expected.anchorDate,
            billDay: expected.billDay,
            altBillDay: expected.altBillDay,
            invoicingOption: expected.invoicingOption,
            prorationRule: 'prorate',
            warnings: expected.warnings,
            assignedOn: '2019-02-10',
          },
        },
        {
          stream,
          type: 'PlanInstanceBilled',
          data: {
            planInstanceId,
            accountId,
            reason: 'assignment',
            nextBillDate: expected.nextBillDate,
            // The whole period's price is kept, even after a stub, so a later credit refunds exactly what was charged.
            charges: [{ serviceId: 'base', quantity: 1, periodPrice: '100', unitPrice: '100.00' }],
            invoice: { invoiceId: invoiceId(planInstanceId, 1), ...invoice },
          },
        },
      ]);
      expect(body).toEqual({
        planInstanceId,
        billDay: expected.billDay,
        nextBillDate: expected.nextBillDate,
        status: 'active',
        warnings: expected.warnings,
        invoice: { id: invoiceId(planInstanceId, 1), ...invoice, subtotal: invoice.total, tax: 0 },
      });
    });

    it('a preview (doWrite: false) answers exactly what the commit then does, and writes nothing', async () => {
      const input = { id: planInstanceId, retroactiveStartDate: '2019-02-02', ...expected.extra };
      const head = await harness.events.headPosition();

      const preview = await assign(accountId, { ...input, doWrite: false });

      expect(preview.events).toEqual([]);
      expect(preview.position).toBe(0);
      expect(await harness.events.headPosition()).toBe(head);
      expect(await harness.store.get(PLAN_INSTANCES, harness.tenant.id, planInstanceId)).toBeNull();
      expect(await harness.store.get(INVOICES, harness.tenant.id, invoiceId(planInstanceId, 1))).toBeNull();

      const commit = await assign(accountId, input);
      expect(commit.body).toEqual(preview.body);
      expect(commit.events.map((event) => event.type)).toEqual(['PlanAssigned', 'PlanInstanceBilled']);
    });
  });

  it('without an id: names the instance after the account and the first free ordinal, which a preview names too', async () => {
    const first = deterministicUuid(harness.tenant.id, 'planInstance', 'a', '1');
    const second = deterministicUuid(harness.tenant.id, 'planInstance', 'a', '2');

    const preview = await assign('a', { doWrite: false });
    const commit = await assign('a', {});
    const next = await assign('a', { doWrite: false });

    expect([preview.body.planInstanceId, commit.body.planInstanceId, next.body.planInstanceId]).toEqual([first, first, second]);
    expect(commit.events.map((event) => [event.stream, event.type])).toEqual([
      [planInstanceStream(harness.tenant.id, first), 'PlanAssigned'],
      [planInstanceStream(harness.tenant.id, first), 'PlanInstanceBilled'],
    ]);
    // Starting today on the 10th: bill day 10, the whole first period charged.
    expect(commit.body).toMatchObject({ billDay: 10, nextBillDate: '2019-03-10', invoice: { total: 10000 } });
  });

  it('catches up every period begun by today on one invoice, one line per period (stub first)', async () => {
    const { body } = await assign('b', { id: 'pi-late', retroactiveStartDate: '2018-12-02', altBillDay: 22, invoicingOption: 'prorated' });

    // The stub [2018-12-02, 2018-12-22) is 20 of the 30 days of [2018-11-22, 2018-12-22): 100 × 20/30 = 66.67.
    expect(body.invoice?.lines.map((line) => [line.periodStart, line.periodEnd, line.amount, line.prorated])).toEqual([
      ['2018-12-02', '2018-12-21', 6667, true],
      ['2018-12-22', '2019-01-21', 10000, false],
      ['2019-01-22', '2019-02-21', 10000, false],
    ]);
    expect(body).toMatchObject({ billDay: 22, nextBillDate: '2019-02-22', invoice: { total: 26667 } });
  });

  describe('refusals write nothing', () => {
    it.each([
      ['an unknown account', 'ghost', { planId: 'basic' }, NotFoundError, 'Account ghost was not found', []],
      ['an unknown plan', 'a', { planId: 'nope' }, RuleViolationError, 'plan nope does not exist; create it with POST /v1/plans first', [{ field: 'planId', rule: 'planExists' }]],
      ['a plan in another currency', 'a', { planId: 'yen-plan' }, RuleViolationError, 'plan yen-plan is priced in JPY but account a is billed in USD', [{ field: 'planId', rule: 'sameCurrency' }]],
      ['altBillDay 32', 'a', { altBillDay: 32, invoicingOption: 'prorated' }, InvalidInputError, 'altBillDay must be a whole number from 1 to 31 (got 32)', [{ field: 'altBillDay', rule: 'range' }]],
      ['quantity 0', 'a', { quantity: 0 }, InvalidInputError, 'quantity must be a whole number from 1 to 1000000000 (got 0)', [{ field: 'quantity', rule: 'range' }]],
      [
        'a retroactive start in the future',
        'a',
        { retroactiveStartDate: '2019-02-11' },
        RuleViolationError,
        'retroactiveStartDate 2019-02-11 is after today (2019-02-10); a start date may only be in the past',
        [{ field: 'retroactiveStartDate', rule: 'notInFuture' }],
      ],
      [
        'an id that is not an id',
        'a',
        { id: 'not an id' },
        InvalidInputError,
        'id must be 1 to 64 characters of letters, digits and _ . : -, starting with a letter or digit (got "not an id")',
        [{ field: 'id', rule: 'id' }],
      ],
      [
        'two invalid fields, both named',
        'a',
        { quantity: 0, invoicingOption: 'sometimes' },
        InvalidInputError,
        '2 fields are invalid: quantity must be a whole number from 1 to 1000000000 (got 0); invoicingOption must be one of "full", "prorated" (got "sometimes")',
        [
          { field: 'quantity', rule: 'range' },
          { field: 'invoicingOption', rule: 'oneOf' },
        ],
      ],
    ] as const)('%s', async (_what, accountId, input, errorClass, message, details) => {
      const error = await refusal(() => assign(accountId, input));

      expect(error).toBeInstanceOf(errorClass);
      expect(error.message).toBe(message);
      expect(error.details).toEqual(details.map((detail) => expect.objectContaining(detail)));
    });

    it('a preview is refused exactly as its commit would be', async () => {
      const error = await refusal(() => assign('a', { planId: 'nope', doWrite: false }));

      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.message).toBe('plan nope does not exist; create it with POST /v1/plans first');
    });

    it('an id already taken is a conflict (another assignment is never overwritten)', async () => {
      await assign('a', { id: 'taken' });

      const error = await refusal(() => assign('b', { id: 'taken' }));

      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe('plan instance taken already exists');
    });
  });

  describe('repeats', () => {
    it('the same command id again writes nothing and answers what the first did, its invoice and warnings included', async () => {
      const context = harness.context();
      const first = await assign('c', { id: 'pi-c', retroactiveStartDate: '2019-02-02', altBillDay: 7 }, context);

      const again = await assign('c', { id: 'pi-c', retroactiveStartDate: '2019-02-02', altBillDay: 7 }, context);

      expect(again.events).toEqual([]);
      expect(again.position).toBe(first.position);
      // Answered from the events the command id wrote the first time, so a repeat after a crash that lost the
      // first answer (before the Idempotency-Key interceptor stored it) still names its invoice.
      expect(again.body).toEqual(first.body);
      expect(again.body.invoice).not.toBeNull();
    });

    it('with an Idempotency-Key the id derives from the key, so a repeat finds its own instance', async () => {
      const context = harness.context({ idempotencyKey: 'assign-1', commandId: deterministicUuid(harness.tenant.id, 'idempotency-key', 'assign-1') });
      const first = await assign('a', {}, context);

      const again = await assign('a', {}, context);

      const planInstanceId = deterministicUuid(harness.tenant.id, 'planInstance', 'key', 'assign-1');
      expect(first.events.map((event) => [event.stream, event.type])).toEqual([
        [planInstanceStream(harness.tenant.id, planInstanceId), 'PlanAssigned'],
        [planInstanceStream(harness.tenant.id, planInstanceId), 'PlanInstanceBilled'],
      ]);
      expect(again.events).toEqual([]);
      expect(again.body.planInstanceId).toBe(planInstanceId);
    });
  });
});
