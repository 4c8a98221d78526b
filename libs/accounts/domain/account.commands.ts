import { DomainCommand } from '../../shared-kernel/decider';
import type { StatusSettings } from '../../tenancy/domain';
import { ContactPatch } from './contact';

/** Fields typed as the API sends them; the decider validates every one (strings may be anything). */
export type CreateAccount = DomainCommand<
  'CreateAccount',
  {
    accountId: string;
    name: string;
    /** ISO 4217; the currency of every amount the account is billed in. */
    currency: string;
    /** Shorthand for contact.email. */
    email?: string | null;
    contact?: ContactPatch | null;
    /** ISO 3166-1 alpha-2. */
    country?: string | null;
    /** BCP 47, e.g. "en" or "pt-BR". */
    language?: string | null;
    /** Free text (web, partner, retail, ...); dunning and notifications may differ by it. */
    channel?: string | null;
    /** Days after the invoice date an invoice is due, 0 to 365; absent or null: 0 (due on the invoice date). */
    paymentTermsDays?: number | null;
    /** The tenant's business date (YYYY-MM-DD) when the account is created. */
    createdOn: string;
    /** String key → string value, checked by the decider (shared-kernel/metadata.ts). */
    metadata?: unknown;
    /** true: no tax on its invoices (DOMAIN.md §13); absent, null or false: taxed. */
    taxExempt?: unknown;
  }
>;

/** PUT /v1/accounts/{id}/tax-exempt: whether its invoices are taxed from now on. */
export type SetAccountTaxExempt = DomainCommand<'SetAccountTaxExempt', { accountId: string; taxExempt: unknown }>;

/** PATCH /v1/accounts/{id}/metadata: a string sets a key, null removes it, a key not named stays. */
export type ChangeAccountMetadata = DomainCommand<'ChangeAccountMetadata', { accountId: string; metadata: unknown }>;

export type UpdateAccountContact = DomainCommand<'UpdateAccountContact', { accountId: string; changes: ContactPatch }>;

/** Issued by a timer: remind the customer to complete contact details that are still missing. */
export type RemindIncompleteContact = DomainCommand<'RemindIncompleteContact', { accountId: string; today: string }>;

/** Sets the account's payment terms from now on; invoices already posted keep their due dates. */
export type ChangeAccountPaymentTerms = DomainCommand<'ChangeAccountPaymentTerms', { accountId: string; paymentTermsDays: number }>;

/**
 * From an operator (PUT /v1/accounts/{id}/status) or a dunning case (`dunningCaseId`); `status` and `reason` as
 * given, checked against the tenant's statuses (`settings`). `today`: the tenant's business date.
 */
export type ChangeAccountStatus = DomainCommand<
  'ChangeAccountStatus',
  { accountId: string; status: unknown; reason: unknown; dunningCaseId?: unknown; settings: StatusSettings; today: string; billDateReset?: unknown }
>;

/** From the dunning process when its case is resolved: back to the status the case found, unless an operator changed it since. */
export type RestoreAccountStatusAfterDunning = DomainCommand<'RestoreAccountStatusAfterDunning', { accountId: string; caseId: unknown; today: string }>;

export type AccountCommand =
  | CreateAccount
  | UpdateAccountContact
  | RemindIncompleteContact
  | ChangeAccountPaymentTerms
  | SetAccountTaxExempt
  | ChangeAccountStatus
  | RestoreAccountStatusAfterDunning
  | ChangeAccountMetadata;
