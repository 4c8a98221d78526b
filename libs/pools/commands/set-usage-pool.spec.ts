import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { AssignPlanCommand } from '../../plan-instances/commands/assign-plan';
import { DomainError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { usagePoolStream } from '../domain/pool.decider';
import { PostPoolRatingCommand } from './rate-pool';
import { SetUsagePoolCommand, UsagePoolView } from './set-usage-pool';

type PlanInput = ConstructorParameters<typeof CreatePlanCommand>[0];

const graduatedGb = {
  model: 'tiered' as const,
  tiers: [
    { upTo: '10', unitPrice: '5.00' },
    { upTo: '50', unitPrice: '3.00' },
    { upTo: null, unitPrice: '1.00' },
  ],
};
const dataPlan: PlanInput = {
  id: 'data',
  name: 'Data',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Line', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '1.00' } },
    { id: 'gb', name: 'Data (GB)', type: 'usage', pricing: graduatedGb },
  ],
};

/**
 * The tenant is on 2024-01-01. `family` holds the plan `data` from today (bill day 1); `kid-a` and `kid-b` are below
 * it, `euro-kid` too but billed in EUR; `stranger` is not below it and `no-plan` holds no plan.
 */
describe('SetUsagePool (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;
  let planInstanceId: string;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2024-01-01' });
    await harness.when(new CreatePlanCommand(dataPlan, harness.context()));
    const account = (id: string, fields: { currency?: string; parentAccountId?: string } = {}) =>
      harness.when(new CreateAccountCommand({ id, name: id, currency: 'USD', ...fields }, harness.context()));
    await account('family');
    await account('kid-a', { parentAccountId: 'family' });
    await account('kid-b', { parentAccountId: 'family' });
    await account('euro-kid', { parentAccountId: 'family', currency: 'EUR' });
    await account('stranger');
    await account('no-plan');
    const assigned = await harness.when<{ planInstanceId: string }>(new AssignPlanCommand({ tenant: harness.tenant, accountId: 'family', input: { planId: 'data' } }, harness.context()));
    planInstanceId = assigned.body.planInstanceId;
  });
  afterEach(() => harness.stop());

  const setPool = (body: unknown, { owner = 'family', serviceId = 'gb', context = {} }: { owner?: string; serviceId?: string; context?: Partial<CommandContext> } = {}) =>
    new SetUsagePoolCommand({ ownerAccountId: owner, serviceId, body }, harness.context(context));
  const source = () => ({
    planInstanceId,
    planId: 'data',
    planVersion: 1,
    serviceName: 'Data (GB)',
    pricing: graduatedGb,
    grid: { anchorDate: '2024-01-01', billDay: 1, interval: { unit: 'month', count: 1 } },
  });

  /** Sends the command, expects it refused with nothing appended, and answers the error. */
  async function refused(command: SetUsagePoolCommand): Promise<DomainError> {
    const head = await harness.events.headPosition();
    const error = await harness.when(command).then(
      () => new Error('the command was accepted'),
      (thrown: unknown) => thrown,
    );
    expect(await harness.events.headPosition()).toBe(head);
    if (!(error instanceof DomainError)) throw error;
    return error;
  }

  it("sets a pool over the owner's descendants by default, priced by the owner's plan instance, from today", async () => {
    const { body, position, events } = await harness.when<UsagePoolView>(setPool({}));

    expect(events).toEqual([
      {
        stream: usagePoolStream(harness.tenant.id, 'family', 'gb'),
        type: 'UsagePoolSet',
        data: { ownerAccountId: 'family', serviceId: 'gb', currency: 'USD', members: 'descendants', effectiveDate: '2024-01-01', source: source() },
      },
    ]);
    expect(body).toEqual({ accountId: 'family', serviceId: 'gb', currency: 'USD', members: 'descendants', effectiveDate: '2024-01-01', planInstanceId, pricing: graduatedGb });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('keeps a chosen list in id order (the owner may be listed)', async () => {
    const { body, events } = await harness.when<UsagePoolView>(setPool({ members: ['kid-b', 'family', 'kid-a'] }));

    expect(events.map((event) => [event.stream, event.type, event.data.members])).toEqual([
      [usagePoolStream(harness.tenant.id, 'family', 'gb'), 'UsagePoolSet', ['family', 'kid-a', 'kid-b']],
    ]);
    expect(body.members).toEqual(['family', 'kid-a', 'kid-b']);
  });

  it('the same pool again, on a later day or as the same list in another order, writes nothing and answers the setting in force', async () => {
    await harness.when(setPool({ members: ['kid-a', 'kid-b'] }));
    const head = await harness.events.headPosition();

    const again = await harness.when<UsagePoolView>(setPool({ members: ['kid-b', 'kid-a'] }, { context: { businessDate: '2024-01-10' } }));

    expect(again.events).toEqual([]);
    expect(await harness.events.headPosition()).toBe(head);
    expect(again.body).toEqual({ accountId: 'family', serviceId: 'gb', currency: 'USD', members: ['kid-a', 'kid-b'], effectiveDate: '2024-01-01', planInstanceId, pricing: graduatedGb });
  });

  it('changing the members appends a new setting from that day', async () => {
    await harness.when(setPool({}));

    const { body, events } = await harness.when<UsagePoolView>(setPool({ members: ['kid-a'] }, { context: { businessDate: '2024-01-10' } }));

    expect(events).toEqual([
      {
        stream: usagePoolStream(harness.tenant.id, 'family', 'gb'),
        type: 'UsagePoolSet',
        data: { ownerAccountId: 'family', serviceId: 'gb', currency: 'USD', members: ['kid-a'], effectiveDate: '2024-01-10', source: source() },
      },
    ]);
    expect(body).toMatchObject({ members: ['kid-a'], effectiveDate: '2024-01-10' });
  });

  it.each([
    ['an unknown owner', 'ghost', 'gb', {}, NotFoundError, 'Account ghost was not found', []],
    [
      'a service the owner holds no plan of',
      'family',
      'nope',
      {},
      RuleViolationError,
      "serviceId nope is not a service of a plan held by an active plan instance of account family: a pool is priced and billed by the owner's plan",
      ['serviceId:serviceExists'],
    ],
    ['a recurring service', 'family', 'base', {}, RuleViolationError, 'serviceId base is a recurring service: only a usage service can be pooled', ['serviceId:usageService']],
    [
      'an owner without a plan instance',
      'no-plan',
      'gb',
      {},
      RuleViolationError,
      "serviceId gb is not a service of a plan held by an active plan instance of account no-plan: a pool is priced and billed by the owner's plan",
      ['serviceId:serviceExists'],
    ],
    ['a member in another currency', 'family', 'gb', { members: ['euro-kid'] }, RuleViolationError, 'members[0]: account euro-kid is billed in EUR, the pool in USD', ['members[0]:sameCurrency']],
    ['a member not below the owner', 'family', 'gb', { members: ['stranger'] }, RuleViolationError, 'members[0]: account stranger is not below family in the hierarchy', ['members[0]:descendant']],
    ['an unknown member', 'family', 'gb', { members: ['kid-a', 'ghost'] }, NotFoundError, 'Account ghost was not found', ['members[1]:exists']],
    ['a member listed twice', 'family', 'gb', { members: ['kid-a', 'kid-a'] }, InvalidInputError, 'members[1]: account kid-a is listed twice', ['members[1]:unique']],
    [
      'a body with unknown fields and bad members',
      'family',
      'gb',
      { members: 'everyone', extra: 1 },
      InvalidInputError,
      'extra is not a field of a usage pool (allowed: members); members must be "descendants" or a list of 1 to 10000 account ids',
      ['extra:unknownField', 'members:members'],
    ],
    ['a malformed service id', 'family', 'a b', {}, InvalidInputError, 'serviceId must be 1 to 64 characters of letters, digits and _ . : -, starting with a letter or digit (got "a b")', ['serviceId:id']],
  ])('refuses %s, and writes nothing', async (_case, owner, serviceId, body, errorClass, message, details) => {
    const error = await refused(setPool(body, { owner, serviceId }));

    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toBe(message);
    expect(error.details.map((detail) => `${detail.field}:${detail.rule}`)).toEqual(details);
  });

  it('refuses a setting dated in a period the pool has already rated (422 afterRatedPeriod), and writes nothing', async () => {
    await harness.when(setPool({}));
    const header = { periodStart: '2024-01-01', periodEnd: '2024-02-01', currency: 'USD', totalQuantity: '0', amount: 0, memberCount: 0, parts: 0 };
    await harness.when(new PostPoolRatingCommand({ ownerAccountId: 'family', serviceId: 'gb', header }, harness.context({ businessDate: '2024-02-01' })));

    // A command still carrying a day of January (issued before the day turned).
    const error = await refused(setPool({ members: ['kid-a'] }, { context: { businessDate: '2024-01-31' } }));

    const message = 'effectiveDate 2024-01-31 is in a period the pool has already rated (through 2024-02-01); a pool changes from today on';
    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error.message).toBe(message);
    expect(error.details).toEqual([{ field: 'effectiveDate', rule: 'afterRatedPeriod', message }]);
  });

  it('the same command id again writes nothing and answers the pool as that command set it', async () => {
    const context = { commandId: 'set-pool-once' };
    const first = await harness.when<UsagePoolView>(setPool({}, { context }));

    const again = await harness.when<UsagePoolView>(setPool({ members: ['kid-a'] }, { context }));

    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(again.position).toBe(first.position);
  });
});
