import { HandlerHarness } from '../../../test/support/handler-harness';
import { NotFoundError } from '../../shared-kernel/errors';
import { accountStream } from '../domain/account.decider';
import { ContactDto } from './account.dto';
import { CreateAccountCommand, CreateAccountDto } from './create-account';
import { RemindIncompleteContactCommand } from './remind-incomplete-contact';
import { UpdateAccountContactCommand } from './update-account-contact';

describe('RemindIncompleteContact (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const createAccount = (id: string, contact: Partial<ContactDto> = {}) =>
    harness.when(new CreateAccountCommand(Object.assign(new CreateAccountDto(), { id, name: 'Acme', currency: 'USD', contact }), harness.context()));
  // As the timer issues it: on the business day it fires, seven days after creation.
  const remind = (accountId: string, context = harness.context({ businessDate: '2019-02-17' })) => new RemindIncompleteContactCommand({ accountId }, context);

  it('records a reminder of the fields still missing, dated the business day the timer fired on, and answers the account', async () => {
    const { body: created } = await createAccount('acme');

    const { body, events } = await harness.when(remind('acme'));

    expect(events).toEqual([
      { stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountContactReminderSent', data: { accountId: 'acme', missing: ['email', 'phone'], sentOn: '2019-02-17' } },
    ]);
    expect(body).toEqual(created);
  });

  it('names only what is still missing', async () => {
    await createAccount('acme', { email: 'ada@example.com' });

    const { events } = await harness.when(remind('acme'));

    expect(events).toEqual([
      { stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountContactReminderSent', data: { accountId: 'acme', missing: ['phone'], sentOn: '2019-02-17' } },
    ]);
  });

  it('a contact completed since the account was created makes the reminder write nothing', async () => {
    await createAccount('acme', { email: 'ada@example.com' });
    const { body: completed } = await harness.when(new UpdateAccountContactCommand({ accountId: 'acme', changes: { phone: '+1 555 0100' } }, harness.context()));

    const { body, events } = await harness.when(remind('acme'));

    expect(events).toEqual([]);
    expect(body).toEqual(completed);
  });

  it('refuses an account that does not exist (404) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(remind('ghost'));

    await expect(refusal).rejects.toThrow(NotFoundError);
    await expect(refusal).rejects.toThrow('Account ghost was not found');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again (a timer re-issuing its command after a crash) sends no second reminder', async () => {
    await createAccount('acme');
    const context = harness.context({ businessDate: '2019-02-17' });

    const first = await harness.when(remind('acme', context));
    const again = await harness.when(remind('acme', { ...context, businessDate: '2019-02-18' }));

    expect(first.events.map((event) => event.type)).toEqual(['AccountContactReminderSent']);
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
  });
});
