import { allProcessManagers, allProjectors } from '../../../apps/contexts';
import { HandlerHarness } from '../../../test/support/handler-harness';
import { addDays } from '../../shared-kernel/calendar-date';
import { InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid } from '../../shared-kernel/ids';
import { TenantView } from '../../tenancy/domain';
import { clockStream } from '../domain/business-clock.decider';
import { AdvanceClockCommand, AdvancedClock, MAX_ADVANCE_DAYS } from './advance-clock';

/**
 * The handler starts each day, then waits (ReadYourWrites, over the consumers' checkpoints) until every
 * projector and process manager has caught up. No worker runs in the harness, so `consumersAtRest` stands in
 * for one: it moves every consumer's checkpoint to the head of the log, as an idle worker would (without
 * running them: what a day causes is the process managers' specs' business, not this one's).
 */
function consumersAtRest(harness: HandlerHarness): () => Promise<void> {
  const names = [...allProjectors, ...allProcessManagers].map((consumer) => consumer.name);
  let running = true;
  const loop = (async () => {
    while (running) {
      const head = await harness.events.headPosition();
      for (const name of names) await harness.store.setCheckpoint(name, head);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

describe('AdvanceClock (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;
  let stopConsumers: (() => Promise<void>) | undefined;

  const start = async (tenant: Partial<TenantView> = {}) => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10', tenant });
    await harness.givenTenant(); // created on 2019-02-10
  };
  afterEach(async () => {
    await stopConsumers?.();
    stopConsumers = undefined;
    await harness.stop();
  });

  const context = () => {
    const { actor, correlationId, causationId } = harness.context();
    return { actor, correlationId, causationId };
  };
  const advance = (to: string, sent = context()) => new AdvanceClockCommand({ tenant: harness.tenant, to }, sent);
  const dayStarted = (date: string) => ({ stream: clockStream(harness.tenant.id), type: 'BusinessDayStarted', data: { tenantId: harness.tenant.id, date } });
  const daysOnTheClock = async () => (await harness.events.readStream(clockStream(harness.tenant.id))).map((event) => event.data.date);

  describe('with the consumers keeping up', () => {
    beforeEach(async () => {
      await start();
      stopConsumers = consumersAtRest(harness);
    });

    it('starts every day up to the date asked, in order, and answers the new date', async () => {
      const { body, position, events } = await harness.when<AdvancedClock>(advance('2019-02-13'));

      expect(events).toEqual([dayStarted('2019-02-11'), dayStarted('2019-02-12'), dayStarted('2019-02-13')]);
      expect(body).toEqual({ businessDate: '2019-02-13', days: 3 });
      expect(position).toBe(await harness.events.headPosition());
    });

    it("writes each day on its own date, with an id derived from the tenant and the date, in the caller's name", async () => {
      const sent = context();
      await harness.when(advance('2019-02-12', sent));

      const days = await harness.events.readStream(clockStream(harness.tenant.id));
      expect(days.map((day) => day.metadata)).toEqual(
        ['2019-02-11', '2019-02-12'].map((date) => ({
          tenantId: harness.tenant.id,
          commandId: deterministicUuid(harness.tenant.id, 'business-day', date),
          correlationId: sent.correlationId,
          causationId: sent.causationId,
          actor: 'spec',
          businessDate: date,
        })),
      );
    });

    it('resumes from the last day that started (an interrupted advance), starting no day twice', async () => {
      await harness.given(dayStarted('2019-02-11'));

      const { body, events } = await harness.when<AdvancedClock>(advance('2019-02-13'));

      expect(events).toEqual([dayStarted('2019-02-12'), dayStarted('2019-02-13')]);
      expect(body).toEqual({ businessDate: '2019-02-13', days: 2 });
    });

    it('to the date the clock already shows: starts nothing and answers 0 days', async () => {
      await harness.when(advance('2019-02-12'));

      const again = await harness.when<AdvancedClock>(advance('2019-02-12'));

      expect(again).toEqual({ body: { businessDate: '2019-02-12', days: 0 }, position: 0, events: [] });
    });

    it("moves no other tenant's clock", async () => {
      await harness.when(advance('2019-02-12'));

      expect(await harness.events.readStream(clockStream('tenother'))).toEqual([]);
      expect((await harness.log()).filter((event) => event.type === 'BusinessDayStarted').map((event) => event.streamName)).toEqual([
        clockStream(harness.tenant.id),
        clockStream(harness.tenant.id),
      ]);
    });
  });

  it('starts the next day only once every consumer has caught up with the day before (and with what came before)', async () => {
    await start();
    const caughtUpOnce = async () => {
      const head = await harness.events.headPosition();
      for (const consumer of [...allProjectors, ...allProcessManagers]) await harness.store.setCheckpoint(consumer.name, head);
    };
    const settled = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const days = async (count: number) => {
      for (let tries = 0; (await daysOnTheClock()).length < count && tries < 200; tries++) await settled(10);
      await settled(200); // ReadYourWrites polls every 20 ms: long enough to see a day start that should not
      return daysOnTheClock();
    };

    const answer = harness.when<AdvancedClock>(advance('2019-02-12'));
    answer.catch(() => undefined); // awaited below; should an expectation fail first, its end does not go unhandled

    expect(await days(0)).toEqual([]); // the tenant's creation is not consumed yet
    await caughtUpOnce();
    expect(await days(1)).toEqual(['2019-02-11']); // waits for the consumers to reach 2019-02-11
    stopConsumers = consumersAtRest(harness);
    expect((await answer).body).toEqual({ businessDate: '2019-02-12', days: 2 });
    expect(await daysOnTheClock()).toEqual(['2019-02-11', '2019-02-12']);
  });

  describe('refuses, writing nothing', () => {
    const refused = async (to: string, error: typeof RuleViolationError | typeof InvalidInputError, message: string, rule: string) => {
      const head = await harness.events.headPosition();
      const attempt = harness.when(advance(to));
      await expect(attempt).rejects.toThrow(error);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toMatchObject({ details: [expect.objectContaining({ field: 'to', rule })] });
      expect(await harness.events.headPosition()).toBe(head);
    };

    it("a production tenant's clock, which follows the system clock", async () => {
      await start({ sandbox: false, businessDate: null });
      await refused('2019-02-11', RuleViolationError, "Only a sandbox tenant's clock can be advanced; a production tenant follows the system clock", 'sandboxOnly');
    });

    it('going back', async () => {
      await start();
      await harness.given(dayStarted('2019-02-11'), dayStarted('2019-02-12'));
      await refused('2019-02-11', RuleViolationError, 'The clock cannot go back: it shows 2019-02-12', 'notBeforeBusinessDate');
      expect(await daysOnTheClock()).toEqual(['2019-02-11', '2019-02-12']);
    });

    it(`more than ${MAX_ADVANCE_DAYS} days in one call`, async () => {
      await start();
      await refused(addDays('2019-02-10', MAX_ADVANCE_DAYS + 1), InvalidInputError, `advance at most ${MAX_ADVANCE_DAYS} days per call (the clock shows 2019-02-10)`, 'maxDays');
    });

    it('a date that is not on the calendar', async () => {
      await start();
      await refused('2019-02-30', InvalidInputError, 'to must be a real calendar date written YYYY-MM-DD, such as 2024-02-29 (got "2019-02-30")', 'isoDate');
    });
  });
});
