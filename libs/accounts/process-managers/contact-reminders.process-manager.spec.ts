import { HandlerHarness } from '../../../test/support/handler-harness';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { accountStream } from '../domain/account.decider';
import { ContactPatch } from '../domain/contact';
import { accountsContext } from '../index';
import { ContactDto } from '../commands/account.dto';
import { CreateAccountCommand, CreateAccountDto } from '../commands/create-account';
import { RemindIncompleteContactCommand } from '../commands/remind-incomplete-contact';
import { UpdateAccountContactCommand } from '../commands/update-account-contact';
import { contactReminderTimerId, contactRemindersProcessManager } from './contact-reminders.process-manager';

describe('Contact reminders (process manager, over events of real commands)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const createAccount = (id: string, fields: Partial<CreateAccountDto> & { contact?: Partial<ContactDto> } = {}) =>
    harness.when(new CreateAccountCommand(Object.assign(new CreateAccountDto(), { id, name: 'Acme', currency: 'USD', ...fields }), harness.context()));
  const updateContact = (accountId: string, changes: ContactPatch) =>
    harness.when(new UpdateAccountContactCommand({ accountId, changes }, harness.context()));
  /** The last event of this type in the log: what the runtime would hand the process manager. */
  const lastRecorded = async (type: string): Promise<RecordedEvent> => {
    const event = (await harness.log()).filter((recorded) => recorded.type === type).pop();
    if (!event) throw new Error(`no ${type} in the log`);
    return event;
  };

  it('an account created without email or phone: a timer seven days later that issues RemindIncompleteContact', async () => {
    await createAccount('acme');

    const commands = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountCreated'));

    expect(commands).toEqual([
      {
        type: 'ScheduleTimer',
        data: { timerId: contactReminderTimerId('acme'), dueDate: '2019-02-17', command: { type: 'RemindIncompleteContact', data: { accountId: 'acme' } } },
        key: 'schedule:acme',
      },
    ]);
  });

  it('an email alone is not enough: the phone is missing, so the timer is scheduled too', async () => {
    await createAccount('acme', { email: 'ada@example.com' });

    const commands = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountCreated'));

    expect(commands.map((command) => [command.type, command.data.timerId])).toEqual([['ScheduleTimer', 'contact-reminder.acme']]);
  });

  it('the due date counts from the business date the account was created on', async () => {
    await harness.when(
      new CreateAccountCommand(Object.assign(new CreateAccountDto(), { id: 'late', name: 'Late', currency: 'USD' }), harness.context({ businessDate: '2019-02-25' })),
    );

    const [schedule] = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountCreated'));

    expect(schedule.data.dueDate).toBe('2019-03-04');
  });

  it('a contact complete at creation (email and phone): nothing', async () => {
    await createAccount('acme', { email: 'ada@example.com', contact: { phone: '+1 555 0100' } });

    const commands = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountCreated'));

    expect(commands).toEqual([]);
  });

  it('the contact completed later: the timer is cancelled', async () => {
    await createAccount('acme', { email: 'ada@example.com' });
    await updateContact('acme', { phone: '+1 555 0100' });

    const commands = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountContactUpdated'));

    expect(commands).toEqual([{ type: 'CancelTimer', data: { timerId: contactReminderTimerId('acme'), reason: 'contact completed' } }]);
  });

  it('a contact change that leaves it incomplete: nothing (the reminder stays due)', async () => {
    await createAccount('acme');
    await updateContact('acme', { email: 'ada@example.com', firstName: 'Ada' });

    const commands = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountContactUpdated'));

    expect(commands).toEqual([]);
  });

  it('the scheduled command is one the accounts context runs: on the due date it records the reminder', async () => {
    await createAccount('acme');
    const [schedule] = await harness.react(contactRemindersProcessManager, await lastRecorded('AccountCreated'));
    const timed = schedule.data.command as { type: string; data: { accountId: string } };

    // As the timers runtime does: the command class named by the type, dated the day the timer fires.
    expect(accountsContext.commands?.[timed.type]).toBe(RemindIncompleteContactCommand);
    const { events } = await harness.when(new RemindIncompleteContactCommand(timed.data, harness.context({ businessDate: schedule.data.dueDate as string })));

    expect(events).toEqual([
      { stream: accountStream(harness.tenant.id, 'acme'), type: 'AccountContactReminderSent', data: { accountId: 'acme', missing: ['email', 'phone'], sentOn: '2019-02-17' } },
    ]);
  });
});
