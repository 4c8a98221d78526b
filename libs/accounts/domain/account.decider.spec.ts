import { fold } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { ChangeAccountPaymentTerms, CreateAccount, UpdateAccountContact } from './account.commands';
import { accountDecider, missingContactFields } from './account.decider';
import { AccountContactUpdated, AccountCreated, AccountEvent, AccountPaymentTermsChanged } from './account.events';
import { ContactPatch } from './contact';

const spec = specFor(accountDecider);

const create = (data: Partial<CreateAccount['data']> = {}): CreateAccount => ({
  type: 'CreateAccount',
  data: { accountId: 'acct-1', name: 'Acme', currency: 'USD', createdOn: '2024-01-31', ...data },
});

const update = (changes: ContactPatch | unknown): UpdateAccountContact => ({
  type: 'UpdateAccountContact',
  data: { accountId: 'acct-1', changes: changes as ContactPatch },
});

const created = (data: Partial<AccountCreated['data']> = {}): AccountCreated => ({
  type: 'AccountCreated',
  data: {
    accountId: 'acct-1',
    name: 'Acme',
    currency: 'USD',
    status: 'active',
    parentAccountId: null,
    contact: {},
    email: null,
    country: null,
    language: null,
    channel: null,
    paymentTermsDays: 0,
    createdOn: '2024-01-31',
    ...data,
  },
});

const contactUpdated = (data: Omit<AccountContactUpdated['data'], 'accountId'>): AccountContactUpdated => ({
  type: 'AccountContactUpdated',
  data: { accountId: 'acct-1', ...data },
});

const changeTerms = (paymentTermsDays: unknown): ChangeAccountPaymentTerms => ({
  type: 'ChangeAccountPaymentTerms',
  data: { accountId: 'acct-1', paymentTermsDays: paymentTermsDays as number },
});

const termsChanged = (from: number, to: number): AccountPaymentTermsChanged => ({
  type: 'AccountPaymentTermsChanged',
  data: { accountId: 'acct-1', from, to },
});

/** An AccountCreated as recorded before payment terms existed: no paymentTermsDays at all. */
const { paymentTermsDays: _, ...legacyData } = created().data;
const legacyCreated: AccountCreated = { type: 'AccountCreated', data: legacyData };

const withContact = created({
  contact: {
    firstName: 'Ann',
    email: 'ann@acme.test',
    address: { line1: '1 Main St', city: 'Springfield', country: 'US' },
  },
  email: 'ann@acme.test',
});

/** The details of the InvalidInputError the command raises, as [field, rule] pairs. */
function invalidFields(given: AccountEvent[], command: CreateAccount | UpdateAccountContact | ChangeAccountPaymentTerms): string[][] {
  return spec.given(given).when(command).thenThrows(InvalidInputError).details.map((d) => [d.field, d.rule]);
}

describe('CreateAccount', () => {
  it('creates an active root account with the minimum fields', () => {
    spec.given([]).when(create()).then([created()]);
  });

  it('records every optional field, trimmed, with the contact in field order', () => {
    spec
      .given([])
      .when(
        create({
          name: '  Acme Corp ',
          currency: 'KWD',
          country: 'KW',
          language: 'ar',
          channel: ' partner ',
          contact: {
            address: { country: 'KW', city: 'Kuwait City', line1: 'Block 1' },
            phone: '+965 2200 0000',
            email: 'billing@acme.test',
            lastName: 'Doe',
            firstName: 'Jane',
            companyName: 'Acme Corp',
          },
        }),
      )
      .then([
        created({
          name: 'Acme Corp',
          currency: 'KWD',
          country: 'KW',
          language: 'ar',
          channel: 'partner',
          contact: {
            firstName: 'Jane',
            lastName: 'Doe',
            companyName: 'Acme Corp',
            email: 'billing@acme.test',
            phone: '+965 2200 0000',
            address: { line1: 'Block 1', city: 'Kuwait City', country: 'KW' },
          },
          email: 'billing@acme.test',
        }),
      ]);
  });

  it('takes the top-level email as a shorthand for contact.email', () => {
    spec
      .given([])
      .when(create({ email: 'ann@acme.test', contact: { firstName: 'Ann' } }))
      .then([created({ contact: { firstName: 'Ann', email: 'ann@acme.test' }, email: 'ann@acme.test' })]);
  });

  it('accepts the same email in both places', () => {
    spec
      .given([])
      .when(create({ email: 'ann@acme.test', contact: { email: ' ann@acme.test' } }))
      .then([created({ contact: { email: 'ann@acme.test' }, email: 'ann@acme.test' })]);
  });

  it('refuses two different emails', () => {
    const error = spec
      .given([])
      .when(create({ email: 'ann@acme.test', contact: { email: 'bob@acme.test' } }))
      .thenThrows(InvalidInputError, /email and contact.email differ/);
    expect(error.details).toEqual([{ field: 'email', rule: 'matchesContactEmail', message: error.message }]);
  });

  it('leaves out contact fields given as null and an empty address', () => {
    spec
      .given([])
      .when(create({ contact: { firstName: null, lastName: 'Doe', address: {} }, country: null, language: null, channel: null, email: null }))
      .then([created({ contact: { lastName: 'Doe' } })]);
    spec.given([]).when(create({ contact: null })).then([created()]);
  });

  it('refuses an account that already exists', () => {
    spec.given([created()]).when(create()).thenThrows(ConflictError, 'account acct-1 already exists');
  });

  it('accepts a name of exactly 200 characters', () => {
    spec.given([]).when(create({ name: 'n'.repeat(200) })).then([created({ name: 'n'.repeat(200) })]);
  });

  it('records payment terms of 0 to 365 days, and 0 (due on the invoice date) when none or null is given', () => {
    for (const days of [0, 1, 30, 365]) {
      spec.given([]).when(create({ paymentTermsDays: days })).then([created({ paymentTermsDays: days })]);
    }
    spec.given([]).when(create({ paymentTermsDays: null })).then([created({ paymentTermsDays: 0 })]);
    const [event] = spec.given([]).when(create()).then([created()]);
    expect((event as AccountCreated).data.paymentTermsDays).toBe(0);
  });

  it.each<[string, unknown]>([
    ['negative payment terms', -1],
    ['payment terms over 365 days', 366],
    ['fractional payment terms', 7.5],
    ['payment terms as a string', '30'],
    ['payment terms that are not a number', Number.NaN],
  ])('refuses %s, naming paymentTermsDays and the rule', (_, days) => {
    const error = spec.given([]).when(create({ paymentTermsDays: days as number })).thenThrows(InvalidInputError, /paymentTermsDays must be a whole number of days from 0 to 365/);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([['paymentTermsDays', 'integerRange']]);
  });

  it.each<[string, Partial<CreateAccount['data']>, string, string]>([
    ['a blank name', { name: '   ' }, 'name', 'notBlank'],
    ['a missing name', { name: undefined }, 'name', 'required'],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'name', 'maxLength'],
    ['a lower-case currency', { currency: 'usd' }, 'currency', 'isoCurrency'],
    ['an unknown currency', { currency: 'ABC' }, 'currency', 'isoCurrency'],
    ['a currency without minor units', { currency: 'XAU' }, 'currency', 'isoCurrency'],
    ['a missing currency', { currency: undefined }, 'currency', 'isoCurrency'],
    ['a lower-case country', { country: 'us' }, 'country', 'iso3166Alpha2'],
    ['a three-letter country', { country: 'USA' }, 'country', 'iso3166Alpha2'],
    ['an upper-case language', { language: 'EN' }, 'language', 'bcp47'],
    ['a language with a lower-case region', { language: 'en-us' }, 'language', 'bcp47'],
    ['a malformed email', { email: 'ann.acme.test' }, 'email', 'email'],
    ['a channel over 50 characters', { channel: 'c'.repeat(51) }, 'channel', 'maxLength'],
    ['a blank channel', { channel: ' ' }, 'channel', 'notBlank'],
    ['an impossible date', { createdOn: '2023-02-29' }, 'createdOn', 'isoDate'],
    ['a date-time', { createdOn: '2024-01-31T10:00:00Z' }, 'createdOn', 'isoDate'],
    ['an id with a slash', { accountId: 'a/b' }, 'accountId', 'id'],
    ['an empty id', { accountId: '' }, 'accountId', 'id'],
    ['an id over 64 characters', { accountId: 'a'.repeat(65) }, 'accountId', 'id'],
  ])('refuses %s', (_, data, field, rule) => {
    expect(invalidFields([], create(data))).toEqual([[field, rule]]);
  });

  it.each<[string, unknown, string, string]>([
    ['a malformed contact email', { email: 'nope' }, 'contact.email', 'email'],
    ['a phone with letters', { phone: 'call me' }, 'contact.phone', 'phone'],
    ['a blank first name', { firstName: '' }, 'contact.firstName', 'notBlank'],
    ['a lower-case address country', { address: { country: 'fr' } }, 'contact.address.country', 'iso3166Alpha2'],
    ['a long postal code', { address: { postalCode: '1'.repeat(21) } }, 'contact.address.postalCode', 'maxLength'],
    ['an unknown contact field', { fax: '123' }, 'contact.fax', 'unknownField'],
    ['an unknown address field', { address: { street: 'x' } }, 'contact.address.street', 'unknownField'],
    ['a contact that is not an object', 'Ann', 'contact', 'object'],
    ['an address that is not an object', { address: ['1 Main St'] }, 'contact.address', 'object'],
  ])('refuses %s', (_, contact, field, rule) => {
    expect(invalidFields([], create({ contact: contact as ContactPatch }))).toEqual([[field, rule]]);
  });

  it('reports every invalid field at once', () => {
    const fields = invalidFields(
      [],
      create({ name: '', currency: 'usd', country: 'us', contact: { email: 'x', address: { country: 'us' } }, createdOn: '2024-02-30' }),
    );
    expect(fields).toEqual([
      ['name', 'notBlank'],
      ['currency', 'isoCurrency'],
      ['contact.email', 'email'],
      ['contact.address.country', 'iso3166Alpha2'],
      ['country', 'iso3166Alpha2'],
      ['createdOn', 'isoDate'],
    ]);
  });
});

describe('UpdateAccountContact', () => {
  it('refuses an account that does not exist', () => {
    spec.given([]).when(update({ firstName: 'Ann' })).thenThrows(NotFoundError, 'Account acct-1 was not found');
  });

  it('replaces a given field and records the whole new contact', () => {
    spec
      .given([withContact])
      .when(update({ email: 'ann@new.test', phone: '+1 (555) 010-0000' }))
      .then([
        contactUpdated({
          contact: {
            firstName: 'Ann',
            email: 'ann@new.test',
            phone: '+1 (555) 010-0000',
            address: { line1: '1 Main St', city: 'Springfield', country: 'US' },
          },
          changed: ['email', 'phone'],
        }),
      ]);
  });

  it('clears a field given as null', () => {
    spec
      .given([withContact])
      .when(update({ email: null }))
      .then([
        contactUpdated({
          contact: { firstName: 'Ann', address: { line1: '1 Main St', city: 'Springfield', country: 'US' } },
          changed: ['email'],
        }),
      ]);
  });

  it('merges the address field by field', () => {
    spec
      .given([withContact])
      .when(update({ address: { city: 'Shelbyville', postalCode: '12345', line1: null } }))
      .then([
        contactUpdated({
          contact: {
            firstName: 'Ann',
            email: 'ann@acme.test',
            address: { city: 'Shelbyville', postalCode: '12345', country: 'US' },
          },
          changed: ['address.line1', 'address.city', 'address.postalCode'],
        }),
      ]);
  });

  it('clears the whole address with null, and drops an address whose fields are all cleared', () => {
    const changed = ['address.line1', 'address.city', 'address.country'];
    const contact = { firstName: 'Ann', email: 'ann@acme.test' };
    spec.given([withContact]).when(update({ address: null })).then([contactUpdated({ contact, changed })]);
    spec
      .given([withContact])
      .when(update({ address: { line1: null, city: null, country: null } }))
      .then([contactUpdated({ contact, changed })]);
  });

  it('adds an address to a contact that had none', () => {
    spec
      .given([created()])
      .when(update({ address: { country: 'FR' } }))
      .then([contactUpdated({ contact: { address: { country: 'FR' } }, changed: ['address.country'] })]);
  });

  it.each<[string, unknown]>([
    ['an empty patch', {}],
    ['the same values', { firstName: 'Ann', email: ' ann@acme.test ', address: { city: 'Springfield' } }],
    ['clearing fields that are already empty', { lastName: null, address: { region: null } }],
    ['an empty address patch', { address: {} }],
    ['undefined values', { firstName: undefined }],
  ])('decides nothing for %s', (_, changes) => {
    spec.given([withContact]).when(update(changes)).then([]);
  });

  it('decides nothing for clearing an address that does not exist', () => {
    spec.given([created()]).when(update({ address: null })).then([]);
  });

  it('names fields as the patch body does', () => {
    expect(invalidFields([withContact], update({ email: 'nope', address: { country: 'usa', zip: '1' } }))).toEqual([
      ['email', 'email'],
      ['address.zip', 'unknownField'],
    ]);
    expect(invalidFields([withContact], update({ address: { country: 'usa' }, lastName: '  ' }))).toEqual([
      ['lastName', 'notBlank'],
      ['address.country', 'iso3166Alpha2'],
    ]);
    expect(invalidFields([withContact], update({ name: 'Other' }))).toEqual([['name', 'unknownField']]);
    expect(invalidFields([withContact], update(null))).toEqual([['contact', 'object']]);
  });

  it('validates even a value that would change nothing else', () => {
    expect(invalidFields([withContact], update({ firstName: 'Ann', phone: 'abc' }))).toEqual([['phone', 'phone']]);
  });
});

describe('ChangeAccountPaymentTerms', () => {
  it('records the change from the terms in force to the new ones', () => {
    spec.given([created()]).when(changeTerms(30)).then([termsChanged(0, 30)]);
    spec.given([created({ paymentTermsDays: 30 })]).when(changeTerms(0)).then([termsChanged(30, 0)]);
    spec.given([created(), termsChanged(0, 30)]).when(changeTerms(365)).then([termsChanged(30, 365)]);
  });

  it('decides nothing when the terms are already those (a repeat writes nothing)', () => {
    spec.given([created({ paymentTermsDays: 30 })]).when(changeTerms(30)).then([]);
    spec.given([created(), termsChanged(0, 14)]).when(changeTerms(14)).then([]);
    spec.given([created()]).when(changeTerms(0)).then([]);
  });

  it('treats an account created before payment terms existed as 0 days', () => {
    spec.given([legacyCreated]).when(changeTerms(0)).then([]);
    spec.given([legacyCreated]).when(changeTerms(10)).then([termsChanged(0, 10)]);
  });

  it('refuses an account that does not exist', () => {
    spec.given([]).when(changeTerms(30)).thenThrows(NotFoundError, 'Account acct-1 was not found');
  });

  it.each<[string, unknown, string]>([
    ['a negative number', -1, 'integerRange'],
    ['more than 365 days', 366, 'integerRange'],
    ['a fraction', 0.5, 'integerRange'],
    ['a string', '30', 'integerRange'],
    ['infinity', Number.POSITIVE_INFINITY, 'integerRange'],
    ['null', null, 'required'],
    ['nothing', undefined, 'required'],
  ])('refuses %s, naming paymentTermsDays and the rule', (_, days, rule) => {
    expect(invalidFields([created()], changeTerms(days))).toEqual([['paymentTermsDays', rule]]);
  });

  it('validates the value before comparing it with the terms in force', () => {
    expect(invalidFields([created({ paymentTermsDays: 30 })], changeTerms('30'))).toEqual([['paymentTermsDays', 'integerRange']]);
  });
});

describe('evolve', () => {
  it('folds the events into the account read shape, email following contact.email', () => {
    const state = fold(accountDecider, [
      withContact,
      contactUpdated({ contact: { firstName: 'Ann', email: 'ann@new.test' }, changed: ['email', 'address.line1'] }),
    ]);
    expect(state).toStrictEqual({
      id: 'acct-1',
      name: 'Acme',
      currency: 'USD',
      status: 'active',
      parentAccountId: null,
      contact: { firstName: 'Ann', email: 'ann@new.test' },
      email: 'ann@new.test',
      country: null,
      language: null,
      channel: null,
      paymentTermsDays: 0,
      createdOn: '2024-01-31',
    });
    const cleared = accountDecider.evolve(state, contactUpdated({ contact: {}, changed: ['firstName', 'email'] }));
    expect(cleared?.email).toBeNull();
  });

  it('refuses a contact update before the account exists: the stream is corrupt', () => {
    expect(() => fold(accountDecider, [contactUpdated({ contact: {}, changed: [] })])).toThrow(/before AccountCreated/);
    expect(() => fold(accountDecider, [termsChanged(0, 30)])).toThrow(/before AccountCreated/);
  });

  it('folds an AccountCreated without paymentTermsDays (recorded before payment terms existed) to 0 days', () => {
    expect('paymentTermsDays' in legacyCreated.data).toBe(false);
    expect(fold(accountDecider, [legacyCreated])).toStrictEqual(fold(accountDecider, [created({ paymentTermsDays: 0 })]));
    expect(fold(accountDecider, [legacyCreated])?.paymentTermsDays).toBe(0);
  });

  it('follows the payment terms through their changes', () => {
    expect(fold(accountDecider, [created({ paymentTermsDays: 30 })])?.paymentTermsDays).toBe(30);
    expect(fold(accountDecider, [created(), termsChanged(0, 30), termsChanged(30, 60)])?.paymentTermsDays).toBe(60);
  });
});

describe('Account decider: contact reminders (issued by a timer)', () => {
  const reminderSpec = specFor(accountDecider);
  const created: AccountEvent = {
    type: 'AccountCreated',
    data: {
      accountId: 'r1',
      name: 'R',
      currency: 'USD',
      status: 'active',
      parentAccountId: null,
      contact: { email: 'r@example.com' },
      email: 'r@example.com',
      country: null,
      language: null,
      channel: null,
      createdOn: '2019-02-10',
    },
  };

  it('reminds the customer of the contact fields still missing', () => {
    reminderSpec
      .given([created])
      .when({ type: 'RemindIncompleteContact', data: { accountId: 'r1', today: '2019-02-17' } })
      .then([{ type: 'AccountContactReminderSent', data: { accountId: 'r1', missing: ['phone'], sentOn: '2019-02-17' } }]);
  });

  it('sends nothing once the contact is complete', () => {
    const completed: AccountEvent = {
      type: 'AccountContactUpdated',
      data: { accountId: 'r1', contact: { email: 'r@example.com', phone: '+1 555' }, changed: ['phone'] },
    };
    reminderSpec.given([created, completed]).when({ type: 'RemindIncompleteContact', data: { accountId: 'r1', today: '2019-02-17' } }).then([]);
    expect(missingContactFields({ email: 'a@b.c', phone: '1' })).toEqual([]);
    expect(missingContactFields({})).toEqual(['email', 'phone']);
  });

  it('refuses a reminder for an account that does not exist', () => {
    reminderSpec.given([]).when({ type: 'RemindIncompleteContact', data: { accountId: 'nope', today: '2019-02-17' } }).thenThrows(NotFoundError);
  });
});
