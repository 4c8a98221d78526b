import { HandlerHarness } from '../../../test/support/handler-harness';
import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { paymentResponsibilityStream } from '../domain/payment-responsibility.decider';
import { PAYMENT_RESPONSIBILITIES } from '../read-model';
import { CreateAccountCommand, CreateAccountDto } from './create-account';
import { SetPaymentResponsibilityCommand } from './set-payment-responsibility';

describe('SetPaymentResponsibility (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  // The payer need not be the parent (any account of the tenant in the same currency): no hierarchy here.
  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    for (const [id, currency] of [['child', 'USD'], ['parent', 'USD'], ['euro', 'EUR']]) {
      await harness.when(new CreateAccountCommand(Object.assign(new CreateAccountDto(), { id, name: id, currency }), harness.context()));
    }
  });
  afterEach(() => harness.stop());

  const setFor = (accountId: string, responsibility: unknown, context = harness.context()) =>
    new SetPaymentResponsibilityCommand({ accountId, responsibility }, context);
  const self = (accountId: string) => [{ payerAccountId: accountId, percent: '100' }];

  it('"parent pays recurring, child pays usage" is one setting: the event holds what was set, the answer spells out every class', async () => {
    const { body, events } = await harness.when(setFor('child', { recurring: [{ payerAccountId: 'parent', percent: '100' }] }));

    expect(events).toEqual([
      {
        stream: paymentResponsibilityStream(harness.tenant.id, 'child'),
        type: 'PaymentResponsibilitySet',
        data: { accountId: 'child', responsibility: { recurring: [{ payerAccountId: 'parent', percent: '100' }] } },
      },
    ]);
    expect(body).toEqual({ accountId: 'child', recurring: [{ payerAccountId: 'parent', percent: '100' }], usage: self('child'), oneTime: self('child'), fees: self('child') });
    const doc = await harness.store.get(PAYMENT_RESPONSIBILITIES, harness.tenant.id, 'child');
    expect(doc?.responsibility).toEqual({ recurring: [{ payerAccountId: 'parent', percent: '100' }] });
  });

  it('splits a class by percents summing to 100, written as normalised decimals', async () => {
    const { body, events } = await harness.when(
      setFor('child', { usage: [{ payerAccountId: 'parent', percent: '60.00' }, { payerAccountId: 'child', percent: '40' }] }),
    );

    const usage = [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'child', percent: '40' }];
    expect(events).toEqual([
      { stream: paymentResponsibilityStream(harness.tenant.id, 'child'), type: 'PaymentResponsibilitySet', data: { accountId: 'child', responsibility: { usage } } },
    ]);
    expect(body).toEqual({ accountId: 'child', recurring: self('child'), usage, oneTime: self('child'), fees: self('child') });
  });

  it('replaces the whole setting: a class left out goes back to the account itself', async () => {
    await harness.when(setFor('child', { recurring: [{ payerAccountId: 'parent', percent: '100' }], fees: [{ payerAccountId: 'parent', percent: '100' }] }));

    const { body, events } = await harness.when(setFor('child', { fees: [{ payerAccountId: 'parent', percent: '100' }] }));

    expect(events).toEqual([
      {
        stream: paymentResponsibilityStream(harness.tenant.id, 'child'),
        type: 'PaymentResponsibilitySet',
        data: { accountId: 'child', responsibility: { fees: [{ payerAccountId: 'parent', percent: '100' }] } },
      },
    ]);
    expect(body).toEqual({ accountId: 'child', recurring: self('child'), usage: self('child'), oneTime: self('child'), fees: [{ payerAccountId: 'parent', percent: '100' }] });
  });

  it('setting what is already in force writes nothing (also "self pays 100" against the default) and answers the setting', async () => {
    await harness.when(setFor('child', { recurring: [{ payerAccountId: 'parent', percent: '100' }] }));

    const same = await harness.when(setFor('child', { recurring: [{ payerAccountId: 'parent', percent: '100.0' }], usage: self('child') }));
    const defaults = await harness.when(setFor('parent', { oneTime: self('parent') }));

    expect(same.events).toEqual([]);
    expect(same.body).toEqual({ accountId: 'child', recurring: [{ payerAccountId: 'parent', percent: '100' }], usage: self('child'), oneTime: self('child'), fees: self('child') });
    expect(defaults.events).toEqual([]);
    expect(defaults.body).toEqual({ accountId: 'parent', recurring: self('parent'), usage: self('parent'), oneTime: self('parent'), fees: self('parent') });
  });

  it('refuses percents that do not sum to 100 (400, naming the class) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setFor('child', { usage: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'child', percent: '30' }] }));

    await expect(refusal).rejects.toThrow(InvalidInputError);
    await expect(refusal).rejects.toMatchObject({
      message: 'the percents of usage sum to 90, not 100',
      details: [{ field: 'usage', rule: 'sumsTo100', message: 'the percents of usage sum to 90, not 100' }],
    });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses a payer in another currency and a payer that does not exist (422, both at once) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(
      setFor('child', { recurring: [{ payerAccountId: 'euro', percent: '100' }], fees: [{ payerAccountId: 'nobody', percent: '100' }] }),
    );

    await expect(refusal).rejects.toThrow(RuleViolationError);
    await expect(refusal).rejects.toMatchObject({
      message: 'payer euro bills in EUR, this account in USD; payer nobody is not an account of this tenant',
      details: [
        { field: 'recurring[0].payerAccountId', rule: 'sameCurrency', message: 'payer euro bills in EUR, this account in USD' },
        { field: 'fees[0].payerAccountId', rule: 'accountExists', message: 'payer nobody is not an account of this tenant' },
      ],
    });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses an account that does not exist (404) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setFor('ghost', { recurring: [{ payerAccountId: 'parent', percent: '100' }] }));

    await expect(refusal).rejects.toThrow(NotFoundError);
    await expect(refusal).rejects.toThrow('Account ghost was not found');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again writes nothing and answers the same setting; after a later change it still writes nothing', async () => {
    const context = harness.context();
    const usageByParent = { usage: [{ payerAccountId: 'parent', percent: '100' }] };
    const first = await harness.when(setFor('child', usageByParent, context));
    const again = await harness.when(setFor('child', usageByParent, context));
    await harness.when(setFor('child', {}));
    // Decided again, this repeat would give the usage back to the parent: it is recognised by its id instead.
    const late = await harness.when(setFor('child', usageByParent, context));

    expect(first.events.map((event) => event.type)).toEqual(['PaymentResponsibilitySet']);
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(late.events).toEqual([]);
    expect(late.body).toEqual({ accountId: 'child', recurring: self('child'), usage: self('child'), oneTime: self('child'), fees: self('child') });
  });
});
