import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';
import type { StatusChangedBy } from '../../tenancy/domain';
import { Contact } from './contact';
import type { Metadata } from '../../shared-kernel/metadata';

/** active, suspended, terminated or one of the tenant's own statuses (tenancy/domain/statuses.ts); created active. */
export type AccountStatus = string;

/** The account as it was created; the data is the whole read shape, so a projection can store it as is. */
export type AccountCreated = DomainEvent<
  'AccountCreated',
  {
    accountId: string;
    name: string;
    currency: string;
    status: AccountStatus;
    /** Accounts are created as roots; linking to a parent is a separate fact. */
    parentAccountId: null;
    contact: Contact;
    /** contact.email, repeated at the top level as the API shows it. */
    email: string | null;
    country: string | null;
    language: string | null;
    channel: string | null;
    /**
     * Days after the invoice date an invoice is due (0-365). Always written since payment terms exist;
     * absent from AccountCreated events recorded before, which read as 0 (due on the invoice date).
     */
    paymentTermsDays?: number;
    createdOn: CalendarDate;
    /** The client's key → value pairs (issue 22); absent when none were given (and on events recorded before). */
    metadata?: Metadata;
    /** Present (true) only for an account created tax-exempt: its invoices carry no tax (DOMAIN.md §13). */
    taxExempt?: true;
  }
>;

/** The account became tax-exempt (true) or taxed again (false); invoices already posted keep their tax. */
export type AccountTaxExemptChanged = DomainEvent<'AccountTaxExemptChanged', { accountId: string; taxExempt: boolean }>;

/** `contact` is the whole contact after the change; `changed` lists the fields that differ ("address.city"). */
export type AccountContactUpdated = DomainEvent<
  'AccountContactUpdated',
  { accountId: string; contact: Contact; changed: string[] }
>;

/** The customer was reminded that these contact fields are still missing (notification delivery reads this). */
export type AccountContactReminderSent = DomainEvent<
  'AccountContactReminderSent',
  { accountId: string; missing: string[]; sentOn: CalendarDate }
>;

/** The payment terms changed (`from` as they were, 0 when never set). Invoices already posted keep their due dates. */
export type AccountPaymentTermsChanged = DomainEvent<
  'AccountPaymentTermsChanged',
  { accountId: string; from: number; to: number }
>;

/**
 * The account's status changed, by an operator or by a dunning case (`by`); `changedOn` is the tenant's business
 * date. Its plan instances are billed only while this status is billable (tenancy/domain/statuses.ts).
 */
export type AccountStatusChanged = DomainEvent<
  'AccountStatusChanged',
  {
    accountId: string;
    from: AccountStatus;
    to: AccountStatus;
    reason: string;
    by: StatusChangedBy;
    changedOn: CalendarDate;
    /** The call's bill-date reset rule (seed 003, decision 0022), when it gave one; else the tenant's applies. */
    billDateReset?: 'keep' | 'reset';
  }
>;

/** The account's metadata changed: `metadata` is the whole of it after, `changed` the entries that differ (null: removed). */
export type AccountMetadataChanged = DomainEvent<'AccountMetadataChanged', { accountId: string; metadata: Metadata; changed: Record<string, string | null> }>;

export type AccountEvent =
  | AccountCreated
  | AccountContactUpdated
  | AccountContactReminderSent
  | AccountPaymentTermsChanged
  | AccountTaxExemptChanged
  | AccountStatusChanged
  | AccountMetadataChanged;
