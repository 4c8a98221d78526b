import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { Command } from '../../platform/command-pipeline/command';
import { DomainError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { planStream } from '../domain/plan.decider';
import { priceOverridesStream } from '../domain/price-override.decider';
import { PriceOverrideDto, PriceOverrideView, SetPriceOverrideCommand } from './set-price-override';

/** Gold (USD, monthly): a base fee per unit and data in graduated tiers. */
const gold = {
  planId: 'gold',
  version: 1,
  name: 'Gold',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } },
    {
      id: 'data',
      name: 'Data (GB)',
      type: 'usage',
      pricing: {
        model: 'tiered',
        tiers: [
          { upTo: '10', unitPrice: '5.00' },
          { upTo: '50', unitPrice: '3.00' },
          { upTo: null, unitPrice: '1.00' },
        ],
      },
    },
  ],
};
/** The same product for euro accounts. */
const goldEur = { ...gold, planId: 'gold-eur', currency: 'EUR' };

const perUnit = (unitPrice: string) => ({ model: 'perUnit' as const, unitPrice });
/** Negotiated data tiers for a large customer. */
const bulkData = {
  model: 'tiered' as const,
  tiers: [
    { upTo: '50', unitPrice: '2.50' },
    { upTo: null, unitPrice: '0.80', flatPrice: '10.00' },
  ],
};

describe('SetPriceOverride (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;
  let overrides: string;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    overrides = priceOverridesStream(harness.tenant.id, 'acme');
    // A plain body: the handler reads its fields only (and the DTO class is not this context's to import).
    const acme = { id: 'acme', name: 'Acme', currency: 'USD' } as CreateAccountCommand['data'];
    await harness.when(new CreateAccountCommand(acme, harness.context()));
    await harness.given(
      { stream: planStream(harness.tenant.id, 'gold'), type: 'PlanCreated', data: gold },
      { stream: planStream(harness.tenant.id, 'gold-eur'), type: 'PlanCreated', data: goldEur },
    );
  });
  afterEach(() => harness.stop());

  const set = (fields: Partial<PriceOverrideDto>, accountId = 'acme', context = harness.context()) =>
    new SetPriceOverrideCommand({ accountId, input: Object.assign(new PriceOverrideDto(), { planId: 'gold', serviceId: 'base', ...fields }) }, context);

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

  const fieldsAndRules = (error: DomainError) => error.details.map((detail) => [detail.field, detail.rule]);

  it("sets a price for one service of a plan on the account's overrides stream and answers the override", async () => {
    const { body, position, events } = await harness.when<PriceOverrideView>(set({ pricing: perUnit('80.00') }));

    expect(events).toEqual([
      { stream: overrides, type: 'PriceOverrideSet', data: { accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: perUnit('80.00'), discountPercent: null } },
    ]);
    expect(body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: perUnit('80.00'), discountPercent: null });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('sets tiered pricing and a discount together, the discount normalised ("12.50" → "12.5")', async () => {
    const { body, events } = await harness.when<PriceOverrideView>(set({ serviceId: 'data', pricing: bulkData, discountPercent: '12.50' }));

    expect(events).toEqual([
      { stream: overrides, type: 'PriceOverrideSet', data: { accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: bulkData, discountPercent: '12.5' } },
    ]);
    expect(body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: bulkData, discountPercent: '12.5' });
  });

  it('a new setting replaces the whole override (a part left out is null); both parts null removes it', async () => {
    await harness.when(set({ pricing: perUnit('80.00'), discountPercent: '5' }));

    const replaced = await harness.when<PriceOverrideView>(set({ discountPercent: '10' }));
    expect(replaced.events).toEqual([
      { stream: overrides, type: 'PriceOverrideSet', data: { accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: null, discountPercent: '10' } },
    ]);
    expect(replaced.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: null, discountPercent: '10' });

    const removed = await harness.when<PriceOverrideView>(set({ pricing: null, discountPercent: null }));
    expect(removed.events).toEqual([{ stream: overrides, type: 'PriceOverrideRemoved', data: { accountId: 'acme', planId: 'gold', serviceId: 'base' } }]);
    expect(removed.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'base', pricing: null, discountPercent: null });
  });

  it('the setting in force again (discount compared as a number) writes nothing; so does removing an override that is not there', async () => {
    const first = await harness.when<PriceOverrideView>(set({ pricing: perUnit('80.00'), discountPercent: '10' }));

    const same = await harness.when<PriceOverrideView>(set({ pricing: perUnit('80.00'), discountPercent: '10.00' }));
    expect(same.events).toEqual([]);
    expect(same.body).toEqual(first.body);
    expect(same.position).toBe(first.position);

    const nothing = await harness.when<PriceOverrideView>(set({ serviceId: 'data', pricing: null, discountPercent: null }));
    expect(nothing.events).toEqual([]);
    expect(nothing.body).toEqual({ accountId: 'acme', planId: 'gold', serviceId: 'data', pricing: null, discountPercent: null });
  });

  it('refuses an account that does not exist (404) before looking at the input, and writes nothing', async () => {
    const error = await refusal(set({}, 'ghost'));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('Account ghost was not found');
  });

  it('refuses a plan that does not exist, or one of another tenant (422 planExists), and writes nothing', async () => {
    await harness.given({ stream: planStream('tenother', 'platinum'), type: 'PlanCreated', data: { ...gold, planId: 'platinum' } });

    for (const planId of ['silver', 'platinum']) {
      const error = await refusal(set({ planId, pricing: perUnit('80.00') }));
      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.details).toEqual([{ field: 'planId', rule: 'planExists', message: `plan ${planId} is not a plan of this tenant` }]);
    }
  });

  it('refuses a service the plan does not have and a plan in another currency than the account, both at once (422)', async () => {
    const error = await refusal(set({ planId: 'gold-eur', serviceId: 'sms', discountPercent: '10' }));

    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error.details).toEqual([
      { field: 'serviceId', rule: 'serviceExists', message: 'service sms is not a service of plan gold-eur; its services are base, data' },
      { field: 'planId', rule: 'sameCurrency', message: 'plan gold-eur bills in EUR, this account in USD' },
    ]);
    expect(error.message).toBe('service sms is not a service of plan gold-eur; its services are base, data; plan gold-eur bills in EUR, this account in USD');
  });

  it('refuses malformed input (400, every field at once), before the catalog rules', async () => {
    const error = await refusal(
      set({
        planId: 'no such plan',
        serviceId: '',
        pricing: { model: 'tiered', tiers: [{ upTo: '50', unitPrice: '2.50' }, { upTo: '20', unitPrice: '1.00' }] },
        discountPercent: '0',
      }),
    );

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(fieldsAndRules(error)).toEqual([
      ['planId', 'id'],
      ['serviceId', 'id'],
      ['pricing.tiers[1].upTo', 'lastTierOpen'],
      ['pricing.tiers[1].upTo', 'ascending'],
      ['discountPercent', 'percent'],
    ]);
  });

  it('refuses a body with neither pricing nor discount (400 pricingOrDiscount): a forgotten body never removes a negotiated price', async () => {
    await harness.when(set({ pricing: perUnit('80.00') }));

    const neither = await refusal(set({}));
    expect(neither).toBeInstanceOf(InvalidInputError);
    expect(fieldsAndRules(neither)).toEqual([['body', 'pricingOrDiscount']]);

    const oneNull = await refusal(set({ pricing: null }));
    expect(oneNull).toBeInstanceOf(InvalidInputError);
    expect(fieldsAndRules(oneNull)).toEqual([['body', 'pricingOrDiscount']]);
  });

  it('reads the plan from its stream, not from read models: a revision a moment ago counts, a dropped service can still be removed', async () => {
    await harness.when(set({ serviceId: 'data', discountPercent: '10' }));
    // Version 2 drops data and adds sms; appended straight to the log, no read model has seen it.
    const context = harness.context();
    const services = [gold.services[0], { id: 'sms', name: 'SMS', type: 'usage', pricing: perUnit('0.0035') }];
    await harness.events.appendToStream(
      planStream(harness.tenant.id, 'gold'),
      [{ id: deterministicUuid('spec', 'gold-v2'), type: 'PlanRevised', data: { ...gold, version: 2, services }, metadata: { ...context } }],
      'any',
    );

    const sms = await harness.when<PriceOverrideView>(set({ serviceId: 'sms', pricing: perUnit('0.0020') }));
    expect(sms.events).toEqual([
      { stream: overrides, type: 'PriceOverrideSet', data: { accountId: 'acme', planId: 'gold', serviceId: 'sms', pricing: perUnit('0.0020'), discountPercent: null } },
    ]);

    const dropped = await refusal(set({ serviceId: 'data', discountPercent: '20' }));
    expect(dropped).toBeInstanceOf(RuleViolationError);
    expect(fieldsAndRules(dropped)).toEqual([['serviceId', 'serviceExists']]);

    const removed = await harness.when(set({ serviceId: 'data', pricing: null, discountPercent: null }));
    expect(removed.events).toEqual([{ stream: overrides, type: 'PriceOverrideRemoved', data: { accountId: 'acme', planId: 'gold', serviceId: 'data' } }]);
  });

  it('the same command id again writes nothing and answers the same override', async () => {
    const context = harness.context();
    const first = await harness.when<PriceOverrideView>(set({ serviceId: 'data', pricing: bulkData }, 'acme', context));
    const again = await harness.when<PriceOverrideView>(set({ serviceId: 'data', pricing: bulkData }, 'acme', context));

    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(again.position).toBe(first.position);
  });
});
