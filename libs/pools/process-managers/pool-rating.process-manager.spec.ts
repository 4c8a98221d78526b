import { HandlerHarness } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { PmCommand } from '../../platform/process-manager-runtime/process-manager';
import { AssignPlanCommand } from '../../plan-instances/commands/assign-plan';
import { clockStream } from '../../time/domain/business-clock.decider';
import { RecordUsageCommand } from '../../usage/commands/record-usage';
import { PostPoolRatingCommand, RatePoolCommand } from '../commands/rate-pool';
import { SetUsagePoolCommand } from '../commands/set-usage-pool';
import { pooledInvoiceId } from '../domain/pool-rating';
import { PoolRatingHeader } from '../domain/pool.events';
import { poolRatingProcessManager } from './pool-rating.process-manager';

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
const LANE = 'family/gb';

/**
 * DOMAIN.md §6's worked example. The tenant is on 2024-01-01: `family`, `kid-a` and `kid-b` (below `family`) hold
 * the plan `data` from today (bill day 1), and `family` pools `gb` over its descendants, so the pool's first period
 * is January, rated on 2024-02-01 (the day after it ends).
 */
describe('pool-rating process manager (over the read models)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2024-01-01' });
    await harness.when(new CreatePlanCommand(dataPlan, harness.context()));
    await harness.when(new CreateAccountCommand({ id: 'family', name: 'Family', currency: 'USD' }, harness.context()));
    for (const id of ['kid-a', 'kid-b']) await harness.when(new CreateAccountCommand({ id, name: id, currency: 'USD', parentAccountId: 'family' }, harness.context()));
    for (const accountId of ['family', 'kid-a', 'kid-b']) {
      await harness.when(new AssignPlanCommand({ tenant: harness.tenant, accountId, input: { planId: 'data' } }, harness.context()));
    }
    await harness.when(new SetUsagePoolCommand({ ownerAccountId: 'family', serviceId: 'gb', body: {} }, harness.context()));
  });
  afterEach(() => harness.stop());

  /** 8, 12 and 30 GB in January, recorded on 2024-01-20. */
  async function givenJanuaryUsage(): Promise<void> {
    const records = [
      { accountId: 'family', serviceId: 'gb', quantity: '8', occurredAt: '2024-01-05', idempotencyKey: 'family-1' },
      { accountId: 'kid-a', serviceId: 'gb', quantity: '12', occurredAt: '2024-01-10', idempotencyKey: 'kid-a-1' },
      { accountId: 'kid-b', serviceId: 'gb', quantity: '30', occurredAt: '2024-01-19', idempotencyKey: 'kid-b-1' },
    ];
    await harness.when(new RecordUsageCommand({ input: { records }, kind: 'batch', tenant: harness.tenant }, harness.context({ businessDate: '2024-01-20' })));
  }

  /** The commands the process manager issues when `date` starts for the tenant (a BusinessDayStarted in the log). */
  async function dayStarts(date: string, tenantId = harness.tenant.id): Promise<PmCommand[]> {
    await harness.given({ stream: clockStream(tenantId), type: 'BusinessDayStarted', data: { tenantId, date } });
    const log = await harness.log();
    return harness.react(poolRatingProcessManager, log[log.length - 1]);
  }

  /** Sends what the process manager issued through the CommandBus, as its runtime does. */
  async function run(commands: PmCommand[]): Promise<void> {
    for (const command of commands) {
      const context = harness.context({ businessDate: command.businessDate });
      await harness.when(command.type === 'RatePool' ? new RatePoolCommand(command.data as RatePoolCommand['data'], context) : new PostPoolRatingCommand(command.data as PostPoolRatingCommand['data'], context));
    }
  }

  const januaryHeader: PoolRatingHeader = { periodStart: '2024-01-01', periodEnd: '2024-02-01', currency: 'USD', totalQuantity: '50', amount: 17000, memberCount: 3, parts: 1 };
  const nothingIn = (periodStart: string, periodEnd: string): PoolRatingHeader => ({ periodStart, periodEnd, currency: 'USD', totalQuantity: '0', amount: 0, memberCount: 0, parts: 0 });
  const share = (accountId: string, quantity: string, amount: number) => ({ accountId, quantity, amount });
  /** A member's invoice of January's pooled usage: one usage line, due on the rating day (no payment terms). */
  const pooledInvoice = (accountId: string, quantity: string, amount: number, header = januaryHeader) => ({
    invoiceId: pooledInvoiceId('family', 'gb', '2024-01-01', accountId),
    accountId,
    planInstanceId: 'pool:family:gb',
    invoiceDate: '2024-02-01',
    dueDate: '2024-02-01',
    currency: 'USD',
    total: amount,
    lines: [
      {
        type: 'usage',
        planInstanceId: 'pool:family:gb',
        serviceId: 'gb',
        description: `Data (GB) – pooled with family (${quantity} of ${header.totalQuantity})`,
        periodStart: '2024-01-01',
        periodEnd: '2024-01-31',
        quantity,
        unitPrice: null,
        amount,
        prorated: false,
        pool: { ownerAccountId: 'family', serviceId: 'gb', poolQuantity: header.totalQuantity, poolAmount: header.amount },
      },
    ],
  });
  const postJanuary = (header: PoolRatingHeader) => ({
    type: 'PostPoolRating',
    data: { ownerAccountId: 'family', serviceId: 'gb', header },
    key: 'pool:family/gb:2024-01-01:posted',
    businessDate: '2024-02-01',
    lane: LANE,
  });

  it("the day after the owner's period: rates the pool (170.00 allocated 27.20, 40.80, 102.00), then posts the rating, in the pool's lane", async () => {
    await givenJanuaryUsage();

    const commands = await dayStarts('2024-02-01');

    expect(commands).toEqual([
      {
        type: 'RatePool',
        data: {
          ownerAccountId: 'family',
          serviceId: 'gb',
          header: januaryHeader,
          part: 0,
          members: [share('family', '8', 2720), share('kid-a', '12', 4080), share('kid-b', '30', 10200)],
          invoices: [pooledInvoice('family', '8', 2720), pooledInvoice('kid-a', '12', 4080), pooledInvoice('kid-b', '30', 10200)],
        },
        key: 'pool:family/gb:2024-01-01:part:0',
        businessDate: '2024-02-01',
        lane: LANE,
      },
      postJanuary(januaryHeader),
    ]);
  });

  it("answers nothing while the owner's period has not ended", async () => {
    await givenJanuaryUsage();

    expect(await dayStarts('2024-01-31')).toEqual([]);
  });

  it('a pool that used nothing: only the post, of an empty rating', async () => {
    expect(await dayStarts('2024-02-01')).toEqual([postJanuary(nothingIn('2024-01-01', '2024-02-01'))]);
  });

  it('a list pool rates only its owner and the listed members', async () => {
    await harness.when(new SetUsagePoolCommand({ ownerAccountId: 'family', serviceId: 'gb', body: { members: ['kid-a'] } }, harness.context()));
    await givenJanuaryUsage();

    const [rating] = await dayStarts('2024-02-01');

    // 20 GB: 10 at 5.00 and 10 at 3.00.
    const header = { ...januaryHeader, totalQuantity: '20', amount: 8000, memberCount: 2 };
    expect(rating.data).toEqual({
      ownerAccountId: 'family',
      serviceId: 'gb',
      header,
      part: 0,
      members: [share('family', '8', 3200), share('kid-a', '12', 4800)],
      invoices: [pooledInvoice('family', '8', 3200, header), pooledInvoice('kid-a', '12', 4800, header)],
    });
  });

  it('catches up: a day after two ended periods rates both, in order', async () => {
    await givenJanuaryUsage();

    const commands = await dayStarts('2024-03-01');

    expect(commands.map((command) => [command.type, command.key, command.businessDate, command.lane])).toEqual([
      ['RatePool', 'pool:family/gb:2024-01-01:part:0', '2024-03-01', LANE],
      ['PostPoolRating', 'pool:family/gb:2024-01-01:posted', '2024-03-01', LANE],
      ['PostPoolRating', 'pool:family/gb:2024-02-01:posted', '2024-03-01', LANE],
    ]);
    expect(commands[2].data).toEqual({ ownerAccountId: 'family', serviceId: 'gb', header: nothingIn('2024-02-01', '2024-03-01') });
  });

  it('once the rating is posted, the same day again answers nothing, and the next period is rated the day after it ends', async () => {
    await givenJanuaryUsage();
    await run(await dayStarts('2024-02-01'));

    expect(await dayStarts('2024-02-01')).toEqual([]);
    expect(await dayStarts('2024-02-29')).toEqual([]);
    expect((await dayStarts('2024-03-01')).map((command) => [command.type, command.key])).toEqual([['PostPoolRating', 'pool:family/gb:2024-02-01:posted']]);
  });

  it("answers nothing on another tenant's day", async () => {
    await givenJanuaryUsage();

    expect(await dayStarts('2024-02-01', 'tenother')).toEqual([]);
  });
});
