import { CalendarDate, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { parseCurrency } from '../../shared-kernel/currency';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { countryCode, emailAddress, languageTag, optional, text, validateAll } from '../../shared-kernel/validation';
import { BILL_DATE_RESET_RULES, BillDateReset, decideRestore, decideStatusChange, DunningHold, holdAfter, StatusChange } from '../../tenancy/domain';
import {
  AccountCommand,
  ChangeAccountMetadata,
  ChangeAccountPaymentTerms,
  ChangeAccountStatus,
  CreateAccount,
  RemindIncompleteContact,
  RestoreAccountStatusAfterDunning,
  SetAccountTaxExempt,
  UpdateAccountContact,
} from './account.commands';
import { AccountEvent, AccountStatus } from './account.events';
import { changedContactFields, Contact, patchContact } from './contact';
import { DEFAULT_PAYMENT_TERMS_DAYS, paymentTermsDays } from './payment-terms';
import { streamName } from '../../shared-kernel/streams';
import { Metadata, parseMetadata, patchMetadata } from '../../shared-kernel/metadata';

/** The account as GET /v1/accounts/{id} shows it. */
export interface Account {
  id: string;
  name: string;
  currency: string;
  status: AccountStatus;
  parentAccountId: string | null;
  contact: Contact;
  /** Always contact.email (or null): the API shows it at the top level too. */
  email: string | null;
  country: string | null;
  language: string | null;
  channel: string | null;
  /** Days after the invoice date an invoice is due (0-365; 0: due on the invoice date). */
  paymentTermsDays: number;
  createdOn: CalendarDate;
  /** Only when it holds something (issue 22). */
  metadata?: Metadata;
  /** Present (true) only while the account is tax-exempt (DOMAIN.md §13). */
  taxExempt?: true;
}

/** The account and what only its decider needs: a dunning case's hold on its status (absent when none). */
export interface AccountRecord extends Account {
  dunningHold?: DunningHold;
}

/** null until the account is created. */
export type AccountState = AccountRecord | null;

/** The account as the API shows it, without the decider's bookkeeping. */
export function accountView(state: AccountRecord): Account {
  const { dunningHold: _hold, ...account } = state;
  return account;
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateAccount':
        return createAccount(command.data, state);
      case 'UpdateAccountContact':
        return updateContact(command.data, state);
      case 'RemindIncompleteContact':
        return remindIncompleteContact(command.data, state);
      case 'ChangeAccountPaymentTerms':
        return changePaymentTerms(command.data, state);
      case 'SetAccountTaxExempt':
        return setTaxExempt(command.data, state);
      case 'ChangeAccountStatus':
        return changeStatus(command.data, state);
      case 'RestoreAccountStatusAfterDunning':
        return restoreStatus(command.data, state);
      case 'ChangeAccountMetadata':
        return changeMetadata(command.data, state);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AccountCreated': {
        // Events recorded before payment terms existed lack the field: those accounts are due on the invoice date.
        const { accountId, paymentTermsDays = DEFAULT_PAYMENT_TERMS_DAYS, ...account } = event.data;
        return { id: accountId, ...account, paymentTermsDays };
      }
      case 'AccountContactUpdated': {
        if (state === null) throw new Error(`AccountContactUpdated before AccountCreated for account ${event.data.accountId}`);
        return { ...state, contact: event.data.contact, email: event.data.contact.email ?? null };
      }
      case 'AccountContactReminderSent':
        return state;
      case 'AccountTaxExemptChanged': {
        if (state === null) throw new Error(`AccountTaxExemptChanged before AccountCreated for account ${event.data.accountId}`);
        const { taxExempt: _before, ...account } = state;
        return event.data.taxExempt ? { ...account, taxExempt: true } : account;
      }
      case 'AccountPaymentTermsChanged': {
        if (state === null) throw new Error(`AccountPaymentTermsChanged before AccountCreated for account ${event.data.accountId}`);
        return { ...state, paymentTermsDays: event.data.to };
      }
      case 'AccountStatusChanged': {
        if (state === null) throw new Error(`AccountStatusChanged before AccountCreated for account ${event.data.accountId}`);
        const { dunningHold: _before, ...account } = state;
        const hold = holdAfter(state.dunningHold, event.data);
        return hold ? { ...account, status: event.data.to, dunningHold: hold } : { ...account, status: event.data.to };
      }
      case 'AccountMetadataChanged': {
        if (state === null) throw new Error(`AccountMetadataChanged before AccountCreated for account ${event.data.accountId}`);
        const { metadata: _before, ...account } = state;
        return Object.keys(event.data.metadata).length > 0 ? { ...account, metadata: event.data.metadata } : account;
      }
      default:
        return assertNever(event);
    }
  },
};

function createAccount(data: CreateAccount['data'], state: AccountState): AccountEvent[] {
  if (state !== null) throw new ConflictError(`account ${data.accountId} already exists`);
  const input = validateAll({
    accountId: () => validId(data.accountId, 'accountId'),
    name: () => text(data.name, 'name', 200),
    currency: () => parseCurrency(data.currency, 'currency'),
    contact: () => initialContact(data.contact, data.email),
    country: () => optional(data.country, 'country', countryCode),
    language: () => optional(data.language, 'language', languageTag),
    channel: () => optional(data.channel, 'channel', (value, field) => text(value, field, 50)),
    paymentTermsDays: () => optional(data.paymentTermsDays, 'paymentTermsDays', paymentTermsDays) ?? DEFAULT_PAYMENT_TERMS_DAYS,
    createdOn: () => parseCalendarDate(data.createdOn, 'createdOn'),
    metadata: () => parseMetadata(data.metadata),
    taxExempt: () => optional(data.taxExempt, 'taxExempt', booleanOf) ?? false,
  });
  return [
    {
      type: 'AccountCreated',
      data: {
        accountId: input.accountId,
        name: input.name,
        currency: input.currency,
        status: 'active',
        parentAccountId: null,
        contact: input.contact,
        email: input.contact.email ?? null,
        country: input.country,
        language: input.language,
        channel: input.channel,
        paymentTermsDays: input.paymentTermsDays,
        createdOn: input.createdOn,
        ...(Object.keys(input.metadata).length > 0 ? { metadata: input.metadata } : {}),
        ...(input.taxExempt ? { taxExempt: true as const } : {}),
      },
    },
  ];
}

/** The same setting again decides nothing, so a repeat is harmless. */
function setTaxExempt(data: SetAccountTaxExempt['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  const taxExempt = booleanOf(data.taxExempt, 'taxExempt');
  if (taxExempt === (state.taxExempt === true)) return [];
  return [{ type: 'AccountTaxExemptChanged', data: { accountId: state.id, taxExempt } }];
}

function booleanOf(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw InvalidInputError.forField(field, 'boolean', `${field} must be true or false (got ${JSON.stringify(value)})`);
  return value;
}

/** Patch semantics; a change that leaves the metadata as it was decides nothing, so a repeat is harmless. */
function changeMetadata(data: ChangeAccountMetadata['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  const { metadata, changed } = patchMetadata(state.metadata ?? {}, data.metadata);
  if (Object.keys(changed).length === 0) return [];
  return [{ type: 'AccountMetadataChanged', data: { accountId: state.id, metadata, changed } }];
}

/** Patch semantics; a change that leaves the contact as it was decides nothing, so a repeat is harmless. */
function updateContact(data: UpdateAccountContact['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  const contact = patchContact(state.contact, data.changes, '');
  const changed = changedContactFields(state.contact, contact);
  if (changed.length === 0) return [];
  return [{ type: 'AccountContactUpdated', data: { accountId: state.id, contact, changed } }];
}

/** Setting the terms the account already has decides nothing, so a repeat is harmless. */
function changePaymentTerms(data: ChangeAccountPaymentTerms['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  const to = paymentTermsDays(data.paymentTermsDays, 'paymentTermsDays');
  if (to === state.paymentTermsDays) return [];
  return [{ type: 'AccountPaymentTermsChanged', data: { accountId: state.id, from: state.paymentTermsDays, to } }];
}

/** The same status again decides nothing, so a repeat (or dunning asking for what an operator set) is harmless. */
function changeStatus(data: ChangeAccountStatus['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  const reset = billDateResetOf(data.billDateReset);
  const events = statusChanged(state, decideStatusChange(state.status, data, data.settings), data.today);
  // The call's bill-date reset rule travels with the change, for the plan instances' bill-date-reset process manager.
  return reset === null ? events : events.map((event) => (event.type === 'AccountStatusChanged' ? { ...event, data: { ...event.data, billDateReset: reset } } : event));
}

function billDateResetOf(value: unknown): BillDateReset | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(BILL_DATE_RESET_RULES as readonly string[]).includes(value)) {
    throw InvalidInputError.forField('billDateReset', 'oneOf', `billDateReset must be one of "keep", "reset" (got ${JSON.stringify(value)})`);
  }
  return value as BillDateReset;
}

function restoreStatus(data: RestoreAccountStatusAfterDunning['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  return statusChanged(state, decideRestore(state.status, state.dunningHold, data.caseId), data.today);
}

function statusChanged(state: AccountRecord, change: StatusChange | null, today: string): AccountEvent[] {
  if (change === null) return [];
  return [{ type: 'AccountStatusChanged', data: { accountId: state.id, ...change, changedOn: today } }];
}

/** Contact fields an account needs for billing and dunning notices; the reminder rule asks for the missing ones. */
export const REQUIRED_CONTACT_FIELDS = ['email', 'phone'] as const;

export function missingContactFields(contact: Contact): string[] {
  return REQUIRED_CONTACT_FIELDS.filter((field) => !contact[field]);
}

/** A reminder only when something is still missing; a completed contact makes the reminder a no-op. */
function remindIncompleteContact(data: RemindIncompleteContact['data'], state: AccountState): AccountEvent[] {
  if (state === null) throw new NotFoundError('Account', data.accountId);
  const missing = missingContactFields(state.contact);
  if (missing.length === 0) return [];
  return [{ type: 'AccountContactReminderSent', data: { accountId: state.id, missing, sentOn: data.today } }];
}

/** The contact given on creation, with the top-level `email` shorthand folded in. */
function initialContact(contactInput: unknown, emailInput: unknown): Contact {
  const { contact, email } = validateAll({
    contact: () => patchContact({}, contactInput ?? {}, 'contact'),
    email: () => optional(emailInput, 'email', emailAddress),
  });
  if (email === null) return contact;
  if (contact.email !== undefined && contact.email !== email) {
    throw InvalidInputError.forField(
      'email',
      'matchesContactEmail',
      'email and contact.email differ: email is a shorthand for contact.email, so give one of them or the same address in both',
    );
  }
  return patchContact(contact, { email }, 'contact');
}

function validId(id: unknown, field: string): string {
  assertValidId(id, field);
  return id;
}

export function accountStream(tenantId: string, accountId: string): string {
  return streamName('account', tenantId, accountId);
}
