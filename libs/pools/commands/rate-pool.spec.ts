import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { AssignPlanCommand } from '../../plan-instances/commands/assign-plan';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { ratePool, ratingParts } from '../domain/pool-rating';
import { PoolRatingHeader } from '../domain/pool.events';
import { PoolState, usagePoolStream } from '../domain/pool.decider';
import { PostPoolRatingCommand, RatePoolCommand } from './rate-pool';
import { SetUsagePoolCommand } from './set-usage-pool';

type PlanInput = ConstructorParameters<typeof CreatePlanCommand>[0];

const perUnitGb = { model: 'perUnit' as const, unitPrice: '1.00' };
const dataPlan: PlanInput = {
  id: 'data',
  name: 'Data',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Line', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '1.00' } },
    { id: 'gb', name: 'Data (GB)', type: 'usage', pricing: perUnitGb },
  ],
};
const january = { from: '2024-01-01', to: '2024-02-01' };

/**
 * The tenant is on 2024-01-01: `family` holds the plan `data` from today (bill day 1) and pools `gb` over its
 * descendants `kid-a` and `kid-b`. The rating of January (8, 12 and 30 GB at 1.00) is cut into parts of 2 members
 * here, as the pool-rating process manager cuts it into parts of 500, so that a rating has more than one part.
 */
describe('pool rating commands (handlers, through the CommandBus)', () => {
  let harness: HandlerHarness;
  let pool: NonNullable<PoolState['pool']>;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2024-01-01' });
    await harness.when(new CreatePlanCommand(dataPlan, harness.context()));
    await harness.when(new CreateAccountCommand({ id: 'family', name: 'Family', currency: 'USD' }, harness.context()));
    for (const id of ['kid-a', 'kid-b']) await harness.when(new CreateAccountCommand({ id, name: id, currency: 'USD', parentAccountId: 'family' }, harness.context()));
    const assigned = await harness.when<{ planInstanceId: string }>(new AssignPlanCommand({ tenant: harness.tenant, accountId: 'family', input: { planId: 'data' } }, harness.context()));
    await harness.when(new SetUsagePoolCommand({ ownerAccountId: 'family', serviceId: 'gb', body: {} }, harness.context()));
    pool = {
      ownerAccountId: 'family',
      serviceId: 'gb',
      currency: 'USD',
      settings: [{ members: 'descendants', effectiveDate: '2024-01-01' }],
      source: {
        planInstanceId: assigned.body.planInstanceId,
        planId: 'data',
        planVersion: 1,
        serviceName: 'Data (GB)',
        pricing: perUnitGb,
        grid: { anchorDate: '2024-01-01', billDay: 1, interval: { unit: 'month', count: 1 } },
      },
    };
  });
  afterEach(() => harness.stop());

  /** January's rating, as the process manager computes it, in parts of two members. */
  const parts = ratingParts(
    ratePool({
      ownerAccountId: 'family',
      serviceId: 'gb',
      serviceName: 'Data (GB)',
      pricing: perUnitGb,
      currency: 'USD',
      period: january,
      invoiceDate: '2024-02-01',
      usage: [
        { accountId: 'family', quantity: '8' },
        { accountId: 'kid-a', quantity: '12' },
        { accountId: 'kid-b', quantity: '30' },
      ],
      billing: () => ({ paymentTermsDays: 0, responsibility: {}, ancestors: [] }),
    })!,
    2,
  );
  const header: PoolRatingHeader = { periodStart: '2024-01-01', periodEnd: '2024-02-01', currency: 'USD', totalQuantity: '50', amount: 5000, memberCount: 3, parts: 2 };
  const nothingUsed: PoolRatingHeader = { periodStart: '2024-01-01', periodEnd: '2024-02-01', currency: 'USD', totalQuantity: '0', amount: 0, memberCount: 0, parts: 0 };
  const onRatingDay = () => harness.context({ businessDate: '2024-02-01' });
  const rate = (part: number, fields: Partial<RatePoolCommand['data']> = {}, context = onRatingDay()) =>
    new RatePoolCommand({ ownerAccountId: 'family', serviceId: 'gb', header, part, members: parts[part].members, invoices: parts[part].invoices, ...fields }, context);
  const post = (fields: Partial<PostPoolRatingCommand['data']> = {}, context = onRatingDay()) =>
    new PostPoolRatingCommand({ ownerAccountId: 'family', serviceId: 'gb', header, ...fields }, context);
  const poolStream = () => usagePoolStream(harness.tenant.id, 'family', 'gb');

  /** Sends the command, expects it refused with nothing appended, and answers the error. */
  async function refused(command: RatePoolCommand | PostPoolRatingCommand): Promise<Error> {
    const head = await harness.events.headPosition();
    const error = await harness.when(command).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(await harness.events.headPosition()).toBe(head);
    if (!(error instanceof Error)) throw new Error('the command was accepted');
    return error;
  }

  it('the fixture: January is rated in two parts, 8, 12 and 30 GB sharing 50.00', () => {
    expect(parts.map((part) => [part.header, part.part, part.members, part.invoices.map((invoice) => [invoice.accountId, invoice.total])])).toEqual([
      [header, 0, [{ accountId: 'family', quantity: '8', amount: 800 }, { accountId: 'kid-a', quantity: '12', amount: 1200 }], [['family', 800], ['kid-a', 1200]]],
      [header, 1, [{ accountId: 'kid-b', quantity: '30', amount: 3000 }], [['kid-b', 3000]]],
    ]);
  });

  describe('RatePool', () => {
    it("posts the part on the pool's stream and answers the pool with the part posted", async () => {
      const { body, position, events } = await harness.when<PoolState>(rate(0));

      expect(events).toEqual([
        { stream: poolStream(), type: 'PoolRated', data: { ownerAccountId: 'family', serviceId: 'gb', ...header, part: 0, members: parts[0].members, invoices: parts[0].invoices } },
      ]);
      expect(body).toEqual({ pool, ratedThrough: null, rating: { header, parts: [0] } });
      expect(position).toBe(await harness.events.headPosition());
    });

    it('posts each part once: the same part again (another command) writes nothing', async () => {
      await harness.when(rate(0));
      const second = await harness.when<PoolState>(rate(1));
      const head = await harness.events.headPosition();

      const again = await harness.when<PoolState>(rate(0));

      expect(second.events.map((event) => [event.stream, event.type, event.data.part])).toEqual([[poolStream(), 'PoolRated', 1]]);
      expect(again.events).toEqual([]);
      expect(await harness.events.headPosition()).toBe(head);
      expect(again.body).toEqual({ pool, ratedThrough: null, rating: { header, parts: [0, 1] } });
    });

    it('the same command id again writes nothing', async () => {
      const context = onRatingDay();
      const first = await harness.when(rate(0, {}, context));

      const again = await harness.when<PoolState>(rate(0, {}, context));

      expect(again.events).toEqual([]);
      expect(again.position).toBe(first.position);
      expect(again.body.rating).toEqual({ header, parts: [0] });
    });

    it('writes nothing for a period already posted', async () => {
      await harness.when(rate(0));
      await harness.when(rate(1));
      await harness.when(post());

      const late = await harness.when<PoolState>(rate(1));

      expect(late.events).toEqual([]);
      expect(late.body).toEqual({ pool, ratedThrough: '2024-02-01', rating: null });
    });

    it('refuses a part the rating does not have, and writes nothing', async () => {
      const error = await refused(rate(0, { part: 2 }));

      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('part 2 is not one of the 2 parts of the rating');
    });

    it('refuses to rate the next period before the one being rated is posted (422), and writes nothing', async () => {
      await harness.when(rate(0));

      const february = { ...header, periodStart: '2024-02-01', periodEnd: '2024-03-01' };
      const error = await refused(rate(0, { header: february }));

      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.message).toBe("the pool's rating of the period from 2024-01-01 must be posted before the period from 2024-02-01 is rated");
    });

    it('refuses a pool that was never set (404), and writes nothing', async () => {
      const error = await refused(rate(0, { ownerAccountId: 'kid-a' }));

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Usage pool kid-a/gb was not found');
    });
  });

  describe('PostPoolRating', () => {
    it('closes the period once every part is posted: the next days are open to rating', async () => {
      await harness.when(rate(1));
      await harness.when(rate(0));

      const { body, position, events } = await harness.when<PoolState>(post());

      expect(events).toEqual([{ stream: poolStream(), type: 'PoolRatingPosted', data: { ownerAccountId: 'family', serviceId: 'gb', ...header } }]);
      expect(body).toEqual({ pool, ratedThrough: '2024-02-01', rating: null });
      expect(position).toBe(await harness.events.headPosition());
    });

    it('closes a period the pool used nothing in, with no part', async () => {
      const { body, events } = await harness.when<PoolState>(post({ header: nothingUsed }));

      expect(events).toEqual([{ stream: poolStream(), type: 'PoolRatingPosted', data: { ownerAccountId: 'family', serviceId: 'gb', ...nothingUsed } }]);
      expect(body).toEqual({ pool, ratedThrough: '2024-02-01', rating: null });
    });

    it('refuses while a part is missing (422), and writes nothing', async () => {
      await harness.when(rate(0));

      const error = await refused(post());

      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.message).toBe("the pool's rating of the period from 2024-01-01 has 1 of its 2 parts posted");
    });

    it('posts a period once: again (another command) writes nothing', async () => {
      await harness.when(post({ header: nothingUsed }));
      const head = await harness.events.headPosition();

      const again = await harness.when<PoolState>(post({ header: nothingUsed }));

      expect(again.events).toEqual([]);
      expect(await harness.events.headPosition()).toBe(head);
      expect(again.body.ratedThrough).toBe('2024-02-01');
    });

    it('refuses a pool that was never set (404), and writes nothing', async () => {
      const error = await refused(post({ serviceId: 'base' }));

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Usage pool family/base was not found');
    });
  });
});
