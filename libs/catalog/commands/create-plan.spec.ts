import { createHash } from 'node:crypto';
import { HandlerHarness } from '../../../test/support/handler-harness';
import { Command } from '../../platform/command-pipeline/command';
import { ConflictError, DomainError, InvalidInputError } from '../../shared-kernel/errors';
import { Plan, planStream } from '../domain/plan.decider';
import { CreatePlanCommand, CreatePlanDto } from './create-plan';

/** Gold: a monthly base fee per unit and data in graduated tiers (DOMAIN.md §6: 10 at 5.00, 40 at 3.00, then 1.00). */
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

describe('CreatePlan (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const input = (fields: Partial<CreatePlanDto>) => Object.assign(new CreatePlanDto(), { ...gold, ...fields });

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

  it('creates version 1 of the plan on its own stream, the whole definition in the event, and answers it', async () => {
    const { body, position, events } = await harness.when(new CreatePlanCommand(input({ id: 'gold' }), harness.context()));

    expect(events).toEqual([{ stream: planStream(harness.tenant.id, 'gold'), type: 'PlanCreated', data: { planId: 'gold', version: 1, ...gold } }]);
    expect(body).toEqual({ id: 'gold', version: 1, ...gold });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('keeps prices exactly as written (finer than cents, volume tiers with a flat fee) and trims names', async () => {
    const metro = {
      currency: 'EUR',
      billingInterval: { unit: 'week' as const, count: 2 },
      services: [
        { id: 'sms', name: ' SMS ', type: 'usage' as const, pricing: { model: 'perUnit' as const, unitPrice: '0.0035' } },
        {
          id: 'calls',
          name: 'Call minutes',
          type: 'usage' as const,
          pricing: {
            model: 'volume' as const,
            tiers: [
              { upTo: '100', unitPrice: '0.10' },
              { upTo: '1000', unitPrice: '0.08', flatPrice: '5.00' },
              { upTo: null, unitPrice: '0.05', flatPrice: '20' },
            ],
          },
        },
      ],
    };

    const { body, events } = await harness.when(new CreatePlanCommand(input({ id: 'metro', name: '  Metro  ', ...metro }), harness.context()));

    const expected = { name: 'Metro', ...metro, services: [{ ...metro.services[0], name: 'SMS' }, metro.services[1]] };
    expect(events).toEqual([{ stream: planStream(harness.tenant.id, 'metro'), type: 'PlanCreated', data: { planId: 'metro', version: 1, ...expected } }]);
    expect(body).toEqual({ id: 'metro', version: 1, ...expected });
  });

  it('without an id: names the plan from the command id, so each new command makes its own plan', async () => {
    const first = harness.context();
    const second = harness.context();
    const one = await harness.when<Plan>(new CreatePlanCommand(input({}), first));
    const other = await harness.when<Plan>(new CreatePlanCommand(input({}), second));

    // A repeated request (same Idempotency-Key, same command id) must name the same plan: see the idempotency case.
    const expectedId = `plan_${createHash('sha256').update(first.commandId).digest('hex').slice(0, 20)}`;
    expect(one.body).toEqual({ id: expectedId, version: 1, ...gold });
    expect(one.events).toEqual([{ stream: planStream(harness.tenant.id, expectedId), type: 'PlanCreated', data: { planId: expectedId, version: 1, ...gold } }]);
    expect(other.body.id).not.toBe(expectedId);
    expect(other.events.map((event) => event.stream)).toEqual([planStream(harness.tenant.id, other.body.id)]);
  });

  it('refuses a plan id that already exists (409) and writes nothing', async () => {
    await harness.when(new CreatePlanCommand(input({ id: 'gold' }), harness.context()));

    const error = await refusal(new CreatePlanCommand(input({ id: 'gold', name: 'Gold 2' }), harness.context()));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('plan gold already exists');
  });

  it('the same plan id in another tenant is another plan', async () => {
    await harness.when(new CreatePlanCommand(input({ id: 'gold' }), harness.context()));

    const { events } = await harness.when(new CreatePlanCommand(input({ id: 'gold' }), harness.context({ tenantId: 'tenother' })));

    expect(events).toEqual([{ stream: planStream('tenother', 'gold'), type: 'PlanCreated', data: { planId: 'gold', version: 1, ...gold } }]);
  });

  it('refuses an invalid definition (400), naming every bad field with its full path, and writes nothing', async () => {
    const error = await refusal(
      new CreatePlanCommand(
        input({
          id: 'gold',
          name: '   ',
          currency: 'XYZ',
          billingInterval: { unit: 'week', count: 53 },
          services: [
            gold.services[0],
            { ...gold.services[1], pricing: { model: 'tiered', tiers: [{ upTo: '50', unitPrice: '5.00' }, { upTo: '10', unitPrice: '3.00' }, { upTo: null, unitPrice: '-1' }] } },
          ],
        }),
        harness.context(),
      ),
    );

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.details.map((detail) => [detail.field, detail.rule])).toEqual([
      ['name', 'notBlank'],
      ['currency', 'isoCurrency'],
      ['billingInterval.count', 'range'],
      ['services[1].pricing.tiers[2].unitPrice', 'nonNegative'],
    ]);
  });

  it('refuses two services with one id (usage and overrides name services by id) and a malformed plan id', async () => {
    const twice = await refusal(new CreatePlanCommand(input({ id: 'gold', services: [gold.services[0], { ...gold.services[1], id: 'base' }] }), harness.context()));
    expect(twice).toBeInstanceOf(InvalidInputError);
    expect(twice.details.map((detail) => [detail.field, detail.rule])).toEqual([['services[1].id', 'unique']]);

    const malformed = await refusal(new CreatePlanCommand(input({ id: 'gold plan' }), harness.context()));
    expect(malformed).toBeInstanceOf(InvalidInputError);
    expect(malformed.details.map((detail) => [detail.field, detail.rule])).toEqual([['id', 'id']]);
  });

  it('the same command id again writes nothing and answers the same plan, with or without an explicit id', async () => {
    const named = harness.context();
    const first = await harness.when(new CreatePlanCommand(input({ id: 'gold' }), named));
    const again = await harness.when(new CreatePlanCommand(input({ id: 'gold' }), named));
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(again.position).toBe(first.position);

    const generated = harness.context();
    const created = await harness.when(new CreatePlanCommand(input({}), generated));
    const repeated = await harness.when(new CreatePlanCommand(input({}), generated));
    expect(repeated.events).toEqual([]);
    expect(repeated.body).toEqual(created.body);
  });
});
