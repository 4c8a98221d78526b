import { HandlerHarness } from '../../../test/support/handler-harness';
import { RuleViolationError } from '../../shared-kernel/errors';
import { clockStream } from '../domain/business-clock.decider';
import { StartBusinessDayCommand } from './start-business-day';

describe('StartBusinessDay (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  // The spec tenant was created on 2019-02-10: its first business day to start is 2019-02-11.
  const start = (date: string, context = harness.context({ businessDate: date })) =>
    new StartBusinessDayCommand({ tenantId: harness.tenant.id, date, initialDate: '2019-02-10' }, context);
  const dayStarted = (date: string) => ({ stream: clockStream(harness.tenant.id), type: 'BusinessDayStarted', data: { tenantId: harness.tenant.id, date } });

  it("starts the day after the tenant's initial date on its clock stream", async () => {
    const { body, position, events } = await harness.when(start('2019-02-11'));

    expect(events).toEqual([dayStarted('2019-02-11')]);
    expect(body).toEqual({ started: true });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('continues from the last day that started, not from the initial date', async () => {
    await harness.given(dayStarted('2019-02-11'), dayStarted('2019-02-12'));

    const { events } = await harness.when(start('2019-02-13'));

    expect(events).toEqual([dayStarted('2019-02-13')]);
  });

  it('a day that already started (or the initial date) writes nothing and answers where the clock stands', async () => {
    await harness.given(dayStarted('2019-02-11'), dayStarted('2019-02-12'));
    const head = await harness.events.headPosition();

    for (const date of ['2019-02-12', '2019-02-11', '2019-02-10']) {
      const { body, position, events } = await harness.when(start(date));
      expect({ date, body, position, events }).toEqual({ date, body: { started: false }, position: head, events: [] });
    }
  });

  it('refuses to skip a day and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const attempt = harness.when(start('2019-02-12'));

    await expect(attempt).rejects.toThrow(RuleViolationError);
    await expect(attempt).rejects.toThrow('Business days start one at a time, in order: the next day is 2019-02-11, not 2019-02-12');
    await expect(attempt).rejects.toMatchObject({ details: [{ field: 'date', rule: 'nextDay', message: 'the next business day is 2019-02-11' }] });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it("never moves another tenant's clock", async () => {
    await harness.given(dayStarted('2019-02-11'));

    const other = new StartBusinessDayCommand(
      { tenantId: 'tenother', date: '2019-02-11', initialDate: '2019-02-10' },
      harness.context({ tenantId: 'tenother', businessDate: '2019-02-11' }),
    );
    const { events } = await harness.when(other);

    expect(events).toEqual([{ stream: clockStream('tenother'), type: 'BusinessDayStarted', data: { tenantId: 'tenother', date: '2019-02-11' } }]);
  });

  it('the same command id again writes nothing and answers the same position', async () => {
    const context = harness.context({ businessDate: '2019-02-11' });
    const first = await harness.when(start('2019-02-11', context));

    const again = await harness.when(start('2019-02-11', context));

    expect(again).toEqual({ body: { started: false }, position: first.position, events: [] }); // started by the first: a parallel advance does not count it
  });
});
