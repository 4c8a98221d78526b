import { HandlerHarness } from '../../../test/support/handler-harness';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { accountStream } from '../domain/account.decider';
import { ContactPatch } from '../domain/contact';
import { CreateAccountCommand, CreateAccountDto } from './create-account';
import { UpdateAccountContactCommand } from './update-account-contact';

describe('UpdateAccountContact (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.when(
      new CreateAccountCommand(
        Object.assign(new CreateAccountDto(), { id: 'acme', name: 'Acme', currency: 'USD', contact: { firstName: 'Ada', email: 'ada@example.com' } }),
        harness.context(),
      ),
    );
  });
  afterEach(() => harness.stop());

  const update = (changes: ContactPatch, context = harness.context()) => new UpdateAccountContactCommand({ accountId: 'acme', changes }, context);

  /** The account as created in beforeEach, for answers that differ only in the contact. */
  const acme = {
    id: 'acme',
    name: 'Acme',
    currency: 'USD',
    status: 'active',
    parentAccountId: null,
    contact: { firstName: 'Ada', email: 'ada@example.com' },
    email: 'ada@example.com',
    country: null,
    language: null,
    channel: null,
    paymentTermsDays: 0,
    createdOn: '2019-02-10',
  };

  it('patches the contact: a value replaces, null clears, an absent field stays; the event carries the whole contact and what changed', async () => {
    const { body, events } = await harness.when(update({ firstName: null, phone: '+1 555 0100', address: { city: 'Lisbon', country: 'PT' } }));

    const contact = { email: 'ada@example.com', phone: '+1 555 0100', address: { city: 'Lisbon', country: 'PT' } };
    expect(events).toEqual([
      {
        stream: accountStream(harness.tenant.id, 'acme'),
        type: 'AccountContactUpdated',
        data: { accountId: 'acme', contact, changed: ['firstName', 'phone', 'address.city', 'address.country'] },
      },
    ]);
    expect(body).toEqual({ ...acme, contact });
  });

  it('a new email is shown at the top level too', async () => {
    const { body, events } = await harness.when(update({ email: 'billing@acme.example' }));

    expect(events).toEqual([
      {
        stream: accountStream(harness.tenant.id, 'acme'),
        type: 'AccountContactUpdated',
        data: { accountId: 'acme', contact: { firstName: 'Ada', email: 'billing@acme.example' }, changed: ['email'] },
      },
    ]);
    expect(body).toEqual({ ...acme, contact: { firstName: 'Ada', email: 'billing@acme.example' }, email: 'billing@acme.example' });
  });

  it('a change that leaves the contact as it is (values are trimmed) writes nothing and answers the account', async () => {
    const { body, events } = await harness.when(update({ firstName: ' Ada ', email: 'ada@example.com', lastName: null }));

    expect(events).toEqual([]);
    expect(body).toEqual(acme);
  });

  it('refuses an invalid email and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(update({ email: 'ada-at-example' }));

    await expect(refusal).rejects.toThrow(InvalidInputError);
    await expect(refusal).rejects.toMatchObject({
      details: [{ field: 'email', rule: 'email', message: 'email must be an email address such as name@example.com (got "ada-at-example")' }],
    });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses a field a contact does not have and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(update({ nickname: 'Ace' } as ContactPatch));

    await expect(refusal).rejects.toThrow(InvalidInputError);
    const message = 'nickname: not a field of contact; allowed: firstName, lastName, companyName, email, phone, address';
    await expect(refusal).rejects.toMatchObject({ message, details: [{ field: 'nickname', rule: 'unknownField', message }] });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses an account that does not exist (404) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(new UpdateAccountContactCommand({ accountId: 'ghost', changes: { phone: '+1 555 0100' } }, harness.context()));

    await expect(refusal).rejects.toThrow(NotFoundError);
    await expect(refusal).rejects.toThrow('Account ghost was not found');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again writes nothing and answers the same account; after a later change it still writes nothing', async () => {
    const context = harness.context();
    const first = await harness.when(update({ phone: '+1 555 0100' }, context));
    const again = await harness.when(update({ phone: '+1 555 0100' }, context));
    await harness.when(update({ phone: '+1 555 0199' }));
    // Decided again, this repeat would put the first phone back: it is recognised by its id instead.
    const late = await harness.when(update({ phone: '+1 555 0100' }, context));

    expect(first.events.map((event) => event.type)).toEqual(['AccountContactUpdated']);
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(late.events).toEqual([]);
    expect(late.body).toMatchObject({ contact: { firstName: 'Ada', email: 'ada@example.com', phone: '+1 555 0199' } });
  });
});
