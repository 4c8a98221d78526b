import { HandlerHarness } from '../../../test/support/handler-harness';
import { Command } from '../../platform/command-pipeline/command';
import { DomainError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { Plan, planStream } from '../domain/plan.decider';
import { PLAN_VERSIONS, planVersionId } from '../read-model/plans.projection';
import { PlanDefinitionDto } from './plan.dto';
import { RevisePlanCommand } from './revise-plan';

/** Version 1 of Gold: a monthly base fee per unit and data in graduated tiers. */
const gold = {
  name: 'Gold',
  currency: 'USD',
  billingInterval: { unit: 'month' as const, count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring' as const, pricing: { model: 'perUnit' as const, unitPrice: '100.00' } },
    {
      id: 'data',
      name: 'Data (GB)',
      type: 'usage' as const,
      pricing: {
        model: 'tiered' as const,
        tiers: [
          { upTo: '10', unitPrice: '5.00' },
          { upTo: '50', unitPrice: '3.00' },
          { upTo: null, unitPrice: '1.00' },
        ],
      },
    },
  ],
};

/** Gold revised: the base fee up, data tiers re-cut, and a volume-priced SMS service added. */
const goldV2 = {
  ...gold,
  name: 'Gold 2019',
  services: [
    { ...gold.services[0], pricing: { model: 'perUnit' as const, unitPrice: '110.00' } },
    {
      ...gold.services[1],
      pricing: {
        model: 'tiered' as const,
        tiers: [
          { upTo: '20', unitPrice: '4.00' },
          { upTo: null, unitPrice: '1.00', flatPrice: '2.50' },
        ],
      },
    },
    {
      id: 'sms',
      name: 'SMS',
      type: 'usage' as const,
      pricing: {
        model: 'volume' as const,
        tiers: [
          { upTo: '1000', unitPrice: '0.05' },
          { upTo: null, unitPrice: '0.0035' },
        ],
      },
    },
  ],
};

describe('RevisePlan (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.given({ stream: planStream(harness.tenant.id, 'gold'), type: 'PlanCreated', data: { planId: 'gold', version: 1, ...gold } });
  });
  afterEach(() => harness.stop());

  const revise = (definition: Partial<PlanDefinitionDto>, planId = 'gold', context = harness.context()) =>
    new RevisePlanCommand({ planId, definition: Object.assign(new PlanDefinitionDto(), { ...gold, ...definition }) }, context);

  /** The command's error; the log must not have moved (a refusal writes nothing). */
  async function refusal(command: Command<unknown>): Promise<DomainError> {
    const head = await harness.events.headPosition();
    const error = await harness.when(command).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(await harness.events.headPosition()).toBe(head);
    return error as DomainError;
  }

  it('publishes version 2 with the whole new definition on the plan stream and answers it', async () => {
    const { body, position, events } = await harness.when<Plan>(revise(goldV2));

    expect(events).toEqual([{ stream: planStream(harness.tenant.id, 'gold'), type: 'PlanRevised', data: { planId: 'gold', version: 2, ...goldV2 } }]);
    expect(body).toEqual({ id: 'gold', version: 2, ...goldV2 });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('each revision is the next version; earlier versions stay as published (plan instances keep theirs)', async () => {
    await harness.when(revise(goldV2));
    const { body, events } = await harness.when<Plan>(revise({ ...goldV2, billingInterval: { unit: 'month', count: 3 } }));

    expect(events).toEqual([
      { stream: planStream(harness.tenant.id, 'gold'), type: 'PlanRevised', data: { planId: 'gold', version: 3, ...goldV2, billingInterval: { unit: 'month', count: 3 } } },
    ]);
    expect(body.version).toBe(3);
    const created = (await harness.log()).find((event) => event.type === 'PlanCreated')!;
    const first = await harness.store.get(PLAN_VERSIONS, harness.tenant.id, planVersionId('gold', 1));
    expect(first).toEqual({ id: 'gold@1', _position: created.position, planId: 'gold', version: 1, ...gold });
  });

  it('an identical definition (keys in another order) writes nothing and answers the current version', async () => {
    const head = await harness.events.headPosition();
    const reordered = {
      services: gold.services.map(({ pricing, type, name, id }) => ({ pricing, type, name, id })),
      billingInterval: { count: 1, unit: 'month' as const },
      currency: 'USD',
      name: 'Gold',
    };

    const { body, position, events } = await harness.when<Plan>(revise(reordered));

    expect(events).toEqual([]);
    expect(body).toEqual({ id: 'gold', version: 1, ...gold });
    expect(position).toBe(head); // the stream's last event: read models that reached it show this version
  });

  it('prices are compared as written: "100.00" to "100" is a new version', async () => {
    const services = [{ ...gold.services[0], pricing: { model: 'perUnit' as const, unitPrice: '100' } }, gold.services[1]];

    const { events } = await harness.when(revise({ services }));

    expect(events).toEqual([{ stream: planStream(harness.tenant.id, 'gold'), type: 'PlanRevised', data: { planId: 'gold', version: 2, ...gold, services } }]);
  });

  it('refuses another currency (422 currencyFixed: make a new plan) and writes nothing', async () => {
    const error = await refusal(revise({ currency: 'EUR' }));

    const message = 'currency is fixed once a plan exists: plan gold is in USD, not EUR; create a new plan for another currency';
    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error.message).toBe(message);
    expect(error.details).toEqual([{ field: 'currency', rule: 'currencyFixed', message }]);
  });

  it('refuses a plan that does not exist (404) and writes nothing', async () => {
    const error = await refusal(revise(goldV2, 'silver'));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('Plan silver was not found');
  });

  it('checks the definition (400) before the rules against the current version (422)', async () => {
    const error = await refusal(revise({ currency: 'EUR', billingInterval: { unit: 'month', count: 0 }, services: [] }));

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.details.map((detail) => [detail.field, detail.rule])).toEqual([
      ['billingInterval.count', 'range'],
      ['services', 'notEmpty'],
    ]);
  });

  it('the same command id again writes nothing and answers the same version', async () => {
    const context = harness.context();
    const first = await harness.when<Plan>(revise(goldV2, 'gold', context));
    const again = await harness.when<Plan>(revise(goldV2, 'gold', context));

    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(again.position).toBe(first.position);
  });
});
