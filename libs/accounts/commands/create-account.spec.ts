import { HandlerHarness } from '../../../test/support/handler-harness';
import { accountStream } from '../domain/account.decider';
import { hierarchyStream } from '../domain/hierarchy.decider';
import { CreateAccountDto } from './account.dto';
import { CreateAccountCommand } from './create-account';

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

  it('the same command id again writes nothing and answers the same account', async () => {
    const context = harness.context();
    const first = await harness.when(new CreateAccountCommand(input({ id: 'acme' }), context));
    const again = await harness.when(new CreateAccountCommand(input({ id: 'acme' }), context));

    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
  });
});
