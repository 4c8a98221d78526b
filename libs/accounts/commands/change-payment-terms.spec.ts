import { HandlerHarness } from '../../../test/support/handler-harness';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { accountStream } from '../domain/account.decider';
import { ChangeAccountPaymentTermsCommand } from './change-payment-terms';
import { CreateAccountCommand, CreateAccountDto } from './create-account';

describe('ChangeAccountPaymentTerms (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const createAccount = (id: string, paymentTermsDays?: number) =>
    harness.when(new CreateAccountCommand(Object.assign(new CreateAccountDto(), { id, name: 'Acme', currency: 'USD', paymentTermsDays }), harness.context()));
  const setTerms = (accountId: string, paymentTermsDays: number, context = harness.context()) =>
    new ChangeAccountPaymentTermsCommand({ accountId, paymentTermsDays }, context);

  it('changes the terms on the account stream, saying from what to what, and answers the account', async () => {
    const { body: created } = await createAccount('acme');

    const { body, events } = await harness.when(setTerms('acme', 30));

    expect(events).toEqual([{ stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountPaymentTermsChanged', data: { accountId: 'acme', from: 0, to: 30 } }]);
    expect(body).toEqual({ ...(created as object), paymentTermsDays: 30 });
  });

  it('from terms set at creation back to 0 (due on the invoice date)', async () => {
    await createAccount('acme', 45);

    const { body, events } = await harness.when(setTerms('acme', 0));

    expect(events).toEqual([{ stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountPaymentTermsChanged', data: { accountId: 'acme', from: 45, to: 0 } }]);
    expect(body).toMatchObject({ id: 'acme', paymentTermsDays: 0 });
  });

  it('setting the terms the account already has writes nothing and answers the account as it is', async () => {
    const { body: created } = await createAccount('acme', 30);

    const { body, events } = await harness.when(setTerms('acme', 30));

    expect(events).toEqual([]);
    expect(body).toEqual(created);
  });

  it('an account created before payment terms existed (no paymentTermsDays in AccountCreated) has 0: setting 0 writes nothing', async () => {
    await harness.given({
      stream: accountStream(harness.tenant.id, 'legacy'),
      type: 'AccountCreated',
      data: {
        accountId: 'legacy',
        name: 'Legacy',
        currency: 'USD',
        status: 'active',
        parentAccountId: null,
        contact: {},
        email: null,
        country: null,
        language: null,
        channel: null,
        createdOn: '2018-06-01',
      },
    });

    const unchanged = await harness.when(setTerms('legacy', 0));
    const changed = await harness.when(setTerms('legacy', 14));

    expect(unchanged.events).toEqual([]);
    expect(unchanged.body).toMatchObject({ id: 'legacy', paymentTermsDays: 0 });
    expect(changed.events).toEqual([
      { stream: accountStream(harness.tenant.id, 'legacy'), type: 'AccountPaymentTermsChanged', data: { accountId: 'legacy', from: 0, to: 14 } },
    ]);
  });

  it.each([
    [366, 'paymentTermsDays must be a whole number of days from 0 to 365 (got 366)'],
    [-1, 'paymentTermsDays must be a whole number of days from 0 to 365 (got -1)'],
    [7.5, 'paymentTermsDays must be a whole number of days from 0 to 365 (got 7.5)'],
  ])('refuses %p days (400, the rule the DTO names too) and writes nothing', async (days, message) => {
    await createAccount('acme');
    const head = await harness.events.headPosition();

    const refusal = harness.when(setTerms('acme', days));

    await expect(refusal).rejects.toThrow(InvalidInputError);
    await expect(refusal).rejects.toMatchObject({ message, details: [{ field: 'paymentTermsDays', rule: 'integerRange', message }] });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses an account that does not exist (404) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setTerms('ghost', 30));

    await expect(refusal).rejects.toThrow(NotFoundError);
    await expect(refusal).rejects.toThrow('Account ghost was not found');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again writes nothing and answers the same account; after a later change it still writes nothing', async () => {
    await createAccount('acme');
    const context = harness.context();

    const first = await harness.when(setTerms('acme', 30, context));
    const again = await harness.when(setTerms('acme', 30, context));
    await harness.when(setTerms('acme', 60));
    // Decided again, this repeat would set 30 back: it is recognised by its id instead.
    const late = await harness.when(setTerms('acme', 30, context));

    expect(first.events.map((event) => event.data)).toEqual([{ accountId: 'acme', from: 0, to: 30 }]);
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(late.events).toEqual([]);
    expect(late.body).toMatchObject({ id: 'acme', paymentTermsDays: 60 });
  });
});
