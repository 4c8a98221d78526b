import { HandlerHarness, ThenEvent } from '../../../test/support/handler-harness';
import { CreateAccountCommand } from '../../accounts/commands/create-account';
import { CreatePlanCommand } from '../../catalog/commands/create-plan';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { AssignPlanCommand } from '../../plan-instances/commands/assign-plan';
import { PostPoolRatingCommand } from '../../pools/commands/rate-pool';
import { SetUsagePoolCommand } from '../../pools/commands/set-usage-pool';
import { DomainError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { usageStream } from '../domain/usage.decider';
import { RecordUsageCommand } from './record-usage';

type PlanInput = ConstructorParameters<typeof CreatePlanCommand>[0];

const perUnit = (unitPrice: string) => ({ model: 'perUnit' as const, unitPrice });
const metered: PlanInput = {
  id: 'metered',
  name: 'Metered',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('10.00') },
    { id: 'data', name: 'Data (GB)', type: 'usage', pricing: perUnit('0.50') },
    { id: 'sms', name: 'SMS', type: 'usage', pricing: perUnit('0.01') },
  ],
};

/**
 * The tenant is on 2019-02-10. `acme` holds `metered` from 2019-01-02 (bill day 2): its current period began
 * 2019-02-02, so usage dated 2019-02-02 to 2019-02-10 is on time and 2019-01-02 to 2019-02-01 is late.
 * `late-joiner` holds it from today; `bare` holds nothing.
 */
describe('RecordUsage (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    for (const id of ['acme', 'bare', 'late-joiner']) await harness.when(new CreateAccountCommand({ id, name: id, currency: 'USD' }, harness.context()));
    await harness.when(new CreatePlanCommand(metered, harness.context()));
    await assign('acme', { planId: 'metered', retroactiveStartDate: '2019-01-02' });
    await assign('late-joiner', { planId: 'metered' });
  });
  afterEach(() => harness.stop());

  function assign(accountId: string, input: { planId: string; retroactiveStartDate?: string }, context: Partial<CommandContext> = {}) {
    return harness.when<{ planInstanceId: string }>(new AssignPlanCommand({ tenant: harness.tenant, accountId, input }, harness.context(context)));
  }
  const record = (fields: Record<string, unknown> = {}) => ({ accountId: 'acme', serviceId: 'data', quantity: '1', occurredAt: '2019-02-05', idempotencyKey: 'cdr-1', ...fields });
  const single = (input: unknown, tenant: TenantView = harness.tenant, context = harness.context()) => new RecordUsageCommand({ input, kind: 'single', tenant }, context);
  const batch = (records: unknown[], tenant: TenantView = harness.tenant, context = harness.context()) => new RecordUsageCommand({ input: { records }, kind: 'batch', tenant }, context);
  const lenient = () => ({ ...harness.tenant, settings: { ...harness.tenant.settings, allowLateUsage: true } });
  const byStream = (events: ThenEvent[]) => [...events].sort((a, b) => (a.stream < b.stream ? -1 : 1)); // streams are appended concurrently
  const stream = (accountId: string, month: string) => usageStream(harness.tenant.id, accountId, month);

  /** Sends the command, expects it refused with nothing appended, and answers the error. */
  async function refused(command: RecordUsageCommand): Promise<DomainError> {
    const head = await harness.events.headPosition();
    const error = await harness.when(command).then(
      () => new Error('the command was accepted'),
      (thrown: unknown) => thrown,
    );
    expect(await harness.events.headPosition()).toBe(head);
    if (!(error instanceof DomainError)) throw error;
    return error;
  }

  describe('one record', () => {
    it('records it on the stream of its account and month of occurrence, and answers it as understood', async () => {
      const { body, position, events } = await harness.when(single(record({ quantity: '12.50', idempotencyKey: 'cdr-1' })));

      expect(events).toEqual([
        {
          stream: stream('acme', '2019-02'),
          type: 'UsageRecorded',
          data: { accountId: 'acme', month: '2019-02', records: [{ serviceId: 'data', quantity: '12.5', occurredOn: '2019-02-05', idempotencyKey: 'cdr-1' }] },
        },
      ]);
      expect(body).toEqual({
        accepted: 1,
        duplicates: 0,
        record: { accountId: 'acme', serviceId: 'data', quantity: '12.5', occurredOn: '2019-02-05', idempotencyKey: 'cdr-1', late: false },
      });
      expect(position).toBe(await harness.events.headPosition());
    });

    it("takes an instant as the date it was in the tenant's time zone", async () => {
      const newYork = { ...harness.tenant, timeZone: 'America/New_York' };
      // 22:30 on the 9th in New York.
      const { body, events } = await harness.when<{ record: { occurredOn: string } }>(single(record({ occurredAt: '2019-02-10T03:30:00Z' }), newYork));

      expect(body.record.occurredOn).toBe('2019-02-09');
      expect(events.map((event) => [event.stream, event.data.records])).toEqual([
        [stream('acme', '2019-02'), [{ serviceId: 'data', quantity: '1', occurredOn: '2019-02-09', idempotencyKey: 'cdr-1' }]],
      ]);
    });

    it('counts a key already recorded for the account and month as a duplicate, whatever its quantity, and writes nothing', async () => {
      const first = await harness.when(single(record({ idempotencyKey: 'dup-1', quantity: '3' })));
      const head = await harness.events.headPosition();

      const again = await harness.when(single(record({ idempotencyKey: 'dup-1', quantity: '300', occurredAt: '2019-02-07' })));

      expect(again.events).toEqual([]);
      expect(await harness.events.headPosition()).toBe(head);
      expect(again.body).toEqual({
        accepted: 0,
        duplicates: 1,
        record: { accountId: 'acme', serviceId: 'data', quantity: '300', occurredOn: '2019-02-07', idempotencyKey: 'dup-1', late: false },
      });
      // A no-op answers the stream's last position: the first record's.
      expect(again.position).toBe(first.position);
    });

    it('takes the same key again on another account or in another month: keys are unique per account and month of occurrence', async () => {
      await harness.when(single(record({ idempotencyKey: 'k-1' })));

      const otherAccount = await harness.when(single(record({ accountId: 'late-joiner', occurredAt: '2019-02-10', idempotencyKey: 'k-1' })));
      const otherMonth = await harness.when(single(record({ occurredAt: '2019-01-20', idempotencyKey: 'k-1' }), lenient()));

      expect(otherAccount.events.map((event) => event.stream)).toEqual([stream('late-joiner', '2019-02')]);
      expect(otherMonth.events.map((event) => event.stream)).toEqual([stream('acme', '2019-01')]);
      expect([otherAccount.body, otherMonth.body]).toMatchObject([{ accepted: 1, duplicates: 0 }, { accepted: 1, duplicates: 0 }]);
    });

    it('accepts usage dated in a closed period, marked late, when the tenant allows late usage', async () => {
      const { body, events } = await harness.when(single(record({ occurredAt: '2019-01-15', quantity: '4', idempotencyKey: 'late-1' }), lenient()));

      expect(events).toEqual([
        {
          stream: stream('acme', '2019-01'),
          type: 'UsageRecorded',
          data: { accountId: 'acme', month: '2019-01', records: [{ serviceId: 'data', quantity: '4', occurredOn: '2019-01-15', idempotencyKey: 'late-1', late: true }] },
        },
      ]);
      expect(body).toEqual({
        accepted: 1,
        duplicates: 0,
        record: { accountId: 'acme', serviceId: 'data', quantity: '4', occurredOn: '2019-01-15', idempotencyKey: 'late-1', late: true },
      });
    });

    it('refuses usage dated in a closed period when the tenant does not allow late usage (422 closedPeriod), and writes nothing', async () => {
      const error = await refused(single(record({ occurredAt: '2019-02-01' })));

      const message = 'occurredAt is 2019-02-01, in a billing period that has closed (the current one began 2019-02-02); this tenant does not accept late usage (settings.allowLateUsage)';
      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.message).toBe(message);
      expect(error.details).toEqual([{ field: 'occurredAt', rule: 'closedPeriod', message }]);
    });

    it('refuses an unknown account (404), and writes nothing', async () => {
      const error = await refused(single(record({ accountId: 'ghost' })));

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Account ghost was not found');
      expect(error.details).toEqual([{ field: 'accountId', rule: 'exists', message: 'accountId: account ghost was not found' }]);
    });

    it('refuses a service the account holds through no active plan instance as a usage service (422 serviceExists), and writes nothing', async () => {
      const noPlan = await refused(single(record({ accountId: 'bare' })));
      const recurring = await refused(single(record({ serviceId: 'base' })));

      expect(noPlan).toBeInstanceOf(RuleViolationError);
      expect(noPlan.details).toEqual([
        { field: 'serviceId', rule: 'serviceExists', message: 'serviceId data is not a usage service of a plan held by an active plan instance of account bare (it holds no plan with usage services)' },
      ]);
      expect(recurring.details).toEqual([
        { field: 'serviceId', rule: 'serviceExists', message: 'serviceId base is not a usage service of a plan held by an active plan instance of account acme (its usage services: data, sms)' },
      ]);
    });

    it('refuses usage dated after today or before the plan instance started (422), and writes nothing', async () => {
      const future = await refused(single(record({ occurredAt: '2019-02-11' })));
      const beforeStart = await refused(single(record({ accountId: 'late-joiner', occurredAt: '2019-02-09' })));

      expect(future.details).toEqual([
        { field: 'occurredAt', rule: 'future', message: "occurredAt is 2019-02-11, after today's business date 2019-02-10: usage cannot be recorded ahead of time" },
      ]);
      expect(beforeStart.details).toEqual([
        { field: 'occurredAt', rule: 'beforePlanStart', message: 'occurredAt is 2019-02-09, before the plan instance offering data started (2019-02-10)' },
      ]);
    });

    it.each([
      ['-1', 'positive', 'quantity must be more than 0 (got "-1")'],
      ['0', 'positive', 'quantity must be more than 0 (got "0")'],
      ['ten', 'decimal', 'quantity must be a decimal string more than 0 with at most 10 decimals, such as "12.5" (got "ten")'],
      [2, 'decimal', 'quantity must be a decimal string more than 0 with at most 10 decimals, such as "12.5" (got 2)'],
      ['0.12345678901', 'maxDecimals', 'quantity must have at most 10 decimals (got "0.12345678901")'],
    ])('refuses the quantity %j (400 %s), and writes nothing', async (quantity, rule, message) => {
      const error = await refused(single(record({ quantity })));

      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toBe(message);
      expect(error.details).toEqual([{ field: 'quantity', rule, message }]);
    });

    it('the same command id again writes nothing and counts the record as a duplicate (the first answer is replayed above the handler)', async () => {
      const context = harness.context();
      const first = await harness.when(single(record({ idempotencyKey: 'once' }), harness.tenant, context));
      const again = await harness.when(single(record({ idempotencyKey: 'once' }), harness.tenant, context));

      expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(again.events).toEqual([]);
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(again.position).toBe(first.position);
    });
  });

  describe('a batch', () => {
    it('appends one event per account and month, records in request order, keys repeated inside the batch counted once', async () => {
      const { body, position, events } = await harness.when(
        batch(
          [
            record({ serviceId: 'sms', quantity: '10', occurredAt: '2019-02-06', idempotencyKey: 'b-1' }),
            record({ serviceId: 'data', quantity: '0.5', occurredAt: '2019-01-20', idempotencyKey: 'b-2' }),
            record({ serviceId: 'sms', quantity: '5', occurredAt: '2019-02-07', idempotencyKey: 'b-3' }),
            record({ serviceId: 'sms', quantity: '99', occurredAt: '2019-02-07', idempotencyKey: 'b-1' }), // same stream, same key
            record({ accountId: 'late-joiner', quantity: '2', occurredAt: '2019-02-10', idempotencyKey: 'b-1' }),
          ],
          lenient(),
        ),
      );

      expect(byStream(events)).toEqual([
        {
          stream: stream('acme', '2019-01'),
          type: 'UsageRecorded',
          data: { accountId: 'acme', month: '2019-01', records: [{ serviceId: 'data', quantity: '0.5', occurredOn: '2019-01-20', idempotencyKey: 'b-2', late: true }] },
        },
        {
          stream: stream('acme', '2019-02'),
          type: 'UsageRecorded',
          data: {
            accountId: 'acme',
            month: '2019-02',
            records: [
              { serviceId: 'sms', quantity: '10', occurredOn: '2019-02-06', idempotencyKey: 'b-1' },
              { serviceId: 'sms', quantity: '5', occurredOn: '2019-02-07', idempotencyKey: 'b-3' },
            ],
          },
        },
        {
          stream: stream('late-joiner', '2019-02'),
          type: 'UsageRecorded',
          data: { accountId: 'late-joiner', month: '2019-02', records: [{ serviceId: 'data', quantity: '2', occurredOn: '2019-02-10', idempotencyKey: 'b-1' }] },
        },
      ]);
      expect(body).toEqual({ accepted: 4, duplicates: 1 });
      expect(position).toBe(await harness.events.headPosition());
    });

    it('sent again (another command), counts every record as a duplicate and writes nothing; a new key beside them is recorded alone', async () => {
      const records = [record({ idempotencyKey: 'r-1' }), record({ idempotencyKey: 'r-2', occurredAt: '2019-02-08' })];
      await harness.when(batch(records));
      const head = await harness.events.headPosition();

      const replay = await harness.when(batch(records));
      expect(replay.events).toEqual([]);
      expect(replay.body).toEqual({ accepted: 0, duplicates: 2 });
      expect(await harness.events.headPosition()).toBe(head);

      const mixed = await harness.when(batch([...records, record({ idempotencyKey: 'r-3', quantity: '7' })]));
      expect(mixed.events).toEqual([
        {
          stream: stream('acme', '2019-02'),
          type: 'UsageRecorded',
          data: { accountId: 'acme', month: '2019-02', records: [{ serviceId: 'data', quantity: '7', occurredOn: '2019-02-05', idempotencyKey: 'r-3' }] },
        },
      ]);
      expect(mixed.body).toEqual({ accepted: 1, duplicates: 2 });
    });

    it('checks the input whole: every bad record is reported with its index (400), and nothing is written', async () => {
      const error = await refused(batch([record({ idempotencyKey: 'whole-1' }), record({ quantity: '-2' }), record({ idempotencyKey: 'whole-2' }), record({ extra: true })]));

      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.details.map((detail) => `${detail.field}:${detail.rule}`)).toEqual(['records[1].quantity:positive', 'records[3].extra:unknownField']);
      expect(error.message).toBe('2 fields are invalid: records[1].quantity must be more than 0 (got "-2"); records[3].extra is not a known field');
    });

    it('refuses the whole batch when one record names an unknown account (404), and writes nothing of the good records', async () => {
      const error = await refused(batch([record({ idempotencyKey: 'good' }), record({ accountId: 'ghost' })]));

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Account ghost was not found');
      expect(error.details).toEqual([{ field: 'records[1].accountId', rule: 'exists', message: 'records[1].accountId: account ghost was not found' }]);
    });

    it('refuses every record the rules refuse, with its index (422), and writes nothing', async () => {
      const error = await refused(batch([record({ idempotencyKey: 'ok' }), record({ serviceId: 'base' }), record(), record({ accountId: 'bare', occurredAt: '2019-02-11' })]));

      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.details.map((detail) => `${detail.field}:${detail.rule}`)).toEqual(['records[1].serviceId:serviceExists', 'records[3].occurredAt:future']);
    });

    it.each([
      [{ records: [] }, 'records:count'],
      [{ records: 'many' }, 'records:type'],
      [{ records: [{}], dryRun: true }, 'dryRun:unknownField'],
    ])('refuses the body %j (400 %s), and writes nothing', async (input, detail) => {
      const error = await refused(new RecordUsageCommand({ input, kind: 'batch', tenant: harness.tenant }, harness.context()));

      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.details.map((d) => `${d.field}:${d.rule}`)).toEqual([detail]);
    });
  });

  /**
   * `family` holds `metered` from 2019-01-01 (bill day 1) and pools `data` over its descendants; `kid`, below it
   * since 2019-01-01, holds `metered` from 2019-01-15 (bill day 15), so its own period is open from 2019-01-15. The
   * pool rated January on 2019-02-01 (with nothing used): January's days are closed for `kid` all the same.
   */
  describe('with a usage pool', () => {
    beforeEach(async () => {
      const newYear = { businessDate: '2019-01-01' };
      await harness.when(new CreateAccountCommand({ id: 'family', name: 'Family', currency: 'USD' }, harness.context(newYear)));
      await harness.when(new CreateAccountCommand({ id: 'kid', name: 'Kid', currency: 'USD', parentAccountId: 'family' }, harness.context(newYear)));
      await assign('family', { planId: 'metered', retroactiveStartDate: '2019-01-01' });
      await assign('kid', { planId: 'metered', retroactiveStartDate: '2019-01-15' });
      await harness.when(new SetUsagePoolCommand({ ownerAccountId: 'family', serviceId: 'data', body: {} }, harness.context(newYear)));
      const header = { periodStart: '2019-01-01', periodEnd: '2019-02-01', currency: 'USD', totalQuantity: '0', amount: 0, memberCount: 0, parts: 0 };
      await harness.when(new PostPoolRatingCommand({ ownerAccountId: 'family', serviceId: 'data', header }, harness.context({ businessDate: '2019-02-01' })));
    });

    it("refuses usage on a day the member's pool has already rated, though the member's own period is open (422 closedPeriod)", async () => {
      const error = await refused(single(record({ accountId: 'kid', occurredAt: '2019-01-20' })));

      const message = 'occurredAt is 2019-01-20, in a period its usage pool has already rated; this tenant does not accept late usage (settings.allowLateUsage)';
      expect(error.details).toEqual([{ field: 'occurredAt', rule: 'closedPeriod', message }]);
    });

    it('records it late when the tenant allows late usage, and usage after the rated period on time', async () => {
      const { events } = await harness.when(
        batch([record({ accountId: 'kid', occurredAt: '2019-01-20', idempotencyKey: 'pooled-late' }), record({ accountId: 'kid', occurredAt: '2019-02-01', idempotencyKey: 'pooled-new' })], lenient()),
      );

      expect(byStream(events).map((event) => [event.stream, event.data.records])).toEqual([
        [stream('kid', '2019-01'), [{ serviceId: 'data', quantity: '1', occurredOn: '2019-01-20', idempotencyKey: 'pooled-late', late: true }]],
        [stream('kid', '2019-02'), [{ serviceId: 'data', quantity: '1', occurredOn: '2019-02-01', idempotencyKey: 'pooled-new' }]],
      ]);
    });
  });
});
