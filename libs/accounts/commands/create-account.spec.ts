import { HandlerHarness } from '../../../test/support/handler-harness';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { accountStream } from '../domain/account.decider';
import { hierarchyStream } from '../domain/hierarchy.decider';
import { CreateAccountCommand, CreateAccountDto } from './create-account';

describe('CreateAccount (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const input = (fields: Partial<CreateAccountDto>) => Object.assign(new CreateAccountDto(), { name: 'Acme', currency: 'USD', ...fields });

  it('creates the account on its own stream and answers it', async () => {
    const { body, events } = await harness.when(new CreateAccountCommand(input({ id: 'acme' }), harness.context()));

    expect(events).toEqual([
      { stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountCreated', data: expect.objectContaining({ accountId: 'acme', currency: 'USD', createdOn: '2019-02-10' }) },
    ]);
    expect(body).toMatchObject({ id: 'acme', name: 'Acme', currency: 'USD', status: 'active' });
  });

  it('with a parent: checks the parent first, then creates and links (two commands, one answer)', async () => {
    await harness.when(new CreateAccountCommand(input({ id: 'parent' }), harness.context()));

    const { body, events } = await harness.when(new CreateAccountCommand(input({ id: 'child', parentAccountId: 'parent' }), harness.context()));

    expect(events.map((event) => [event.stream, event.type])).toEqual([
      [accountStream(harness.tenant.id, 'child'), 'AccountCreated'],
      [hierarchyStream(harness.tenant.id), 'AccountParented'],
    ]);
    expect(body).toMatchObject({ id: 'child', parentAccountId: 'parent' });
  });

  it('refuses a parent that does not exist and writes nothing', async () => {
    const head = await harness.events.headPosition();
    await expect(harness.when(new CreateAccountCommand(input({ id: 'orphan', parentAccountId: 'nobody' }), harness.context()))).rejects.toThrow(/nobody/);
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses itself as parent with 409 (a cycle) and writes nothing, not even the account', async () => {
    const head = await harness.events.headPosition();
    const refusal = harness.when(new CreateAccountCommand(input({ id: 'selfish', parentAccountId: 'selfish' }), harness.context()));
    await expect(refusal).rejects.toThrow(ConflictError);
    await expect(refusal).rejects.toThrow('Linking selfish under selfish would make a cycle: selfish → selfish');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again writes nothing and answers the same account', async () => {
    const context = harness.context();
    const first = await harness.when(new CreateAccountCommand(input({ id: 'acme' }), context));
    const again = await harness.when(new CreateAccountCommand(input({ id: 'acme' }), context));

    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
  });

  it('writes every field as checked: trimmed name, the email shorthand folded into the contact, the terms given', async () => {
    const { body, events } = await harness.when(
      new CreateAccountCommand(
        input({ id: 'acme', name: ' Acme ', currency: 'EUR', email: 'ada@example.com', contact: { firstName: 'Ada' }, country: 'PT', language: 'pt-BR', channel: 'web', paymentTermsDays: 30 }),
        harness.context(),
      ),
    );

    const account = {
      name: 'Acme',
      currency: 'EUR',
      status: 'active',
      parentAccountId: null,
      contact: { firstName: 'Ada', email: 'ada@example.com' },
      email: 'ada@example.com',
      country: 'PT',
      language: 'pt-BR',
      channel: 'web',
      paymentTermsDays: 30,
      createdOn: '2019-02-10',
    };
    expect(events).toEqual([{ stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountCreated', data: { accountId: 'acme', ...account } }]);
    expect(body).toEqual({ id: 'acme', ...account });
  });

  it('with a parent: the link holds from the business date of the command', async () => {
    await harness.when(new CreateAccountCommand(input({ id: 'parent' }), harness.context()));

    const { events } = await harness.when(new CreateAccountCommand(input({ id: 'child', parentAccountId: 'parent' }), harness.context({ businessDate: '2019-03-01' })));

    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({
      stream: hierarchyStream(harness.tenant.id),
      type: 'AccountParented',
      data: { accountId: 'child', parentAccountId: 'parent', previousParentAccountId: null, effectiveDate: '2019-03-01' },
    });
    expect(events[0].data.createdOn).toBe('2019-03-01');
  });

  it('without an id: names the account from the command id, so a repeat names the same account and another command another', async () => {
    const context = harness.context();
    const first = await harness.when(new CreateAccountCommand(input({}), context));
    const again = await harness.when(new CreateAccountCommand(input({}), context));
    const other = await harness.when(new CreateAccountCommand(input({}), harness.context()));

    const id = (first.body as { id: string }).id;
    expect(id).toMatch(/^acc_[0-9a-f]{20}$/);
    expect(first.events.map((event) => event.stream)).toEqual([accountStream(harness.tenant.id, id)]);
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect((other.body as { id: string }).id).not.toBe(id);
  });

  it('refuses an id already taken (409) and writes nothing', async () => {
    await harness.when(new CreateAccountCommand(input({ id: 'acme' }), harness.context()));
    const head = await harness.events.headPosition();

    const refusal = harness.when(new CreateAccountCommand(input({ id: 'acme', name: 'Other Acme' }), harness.context()));

    await expect(refusal).rejects.toThrow(ConflictError);
    await expect(refusal).rejects.toThrow('account acme already exists');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses invalid fields, all of them at once (400), and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(new CreateAccountCommand(input({ id: 'acme', name: '  ', currency: 'XYZ' }), harness.context()));

    await expect(refusal).rejects.toThrow(InvalidInputError);
    await expect(refusal).rejects.toMatchObject({
      message: '2 fields are invalid: name must not be blank; currency must be an active ISO 4217 currency code such as USD, EUR or JPY (got "XYZ")',
      details: [
        { field: 'name', rule: 'notBlank', message: 'name must not be blank' },
        { field: 'currency', rule: 'isoCurrency', message: 'currency must be an active ISO 4217 currency code such as USD, EUR or JPY (got "XYZ")' },
      ],
    });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses an email shorthand that differs from contact.email (400) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(new CreateAccountCommand(input({ id: 'acme', email: 'a@example.com', contact: { email: 'b@example.com' } }), harness.context()));

    await expect(refusal).rejects.toThrow(InvalidInputError);
    await expect(refusal).rejects.toMatchObject({ details: [{ field: 'email', rule: 'matchesContactEmail' }] });
    expect(await harness.events.headPosition()).toBe(head);
  });
});
