import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { AccountEvent } from '../domain/account.events';
import type { HierarchyEvent } from '../domain/hierarchy.events';
import { DEFAULT_PAYMENT_TERMS_DAYS } from '../domain/payment-terms';

export const ACCOUNTS = 'accounts';

/** The account document answered by GET /v1/accounts/{id}: one per account, in its tenant. */
export const accountsProjection: Projector = {
  name: 'accounts',
  // GET /v1/accounts filters on status and parent and searches `searchName` / `searchEmail` (lower-cased, by prefix).
  // An index costs every write, so only these. both are derived here: documents projected before it existed
  // lack it until a rebuild (they are not found by `q`, but are by the other filters).
  collections: [{ name: ACCOUNTS, indexes: ['status', 'parentAccountId', 'searchName', 'searchEmail'] }],
  eventTypes: ['AccountCreated', 'AccountContactUpdated', 'AccountPaymentTermsChanged', 'AccountTaxExemptChanged', 'AccountStatusChanged', 'AccountParented', 'AccountDetached', 'AccountMetadataChanged'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & (AccountEvent | HierarchyEvent);
    const { tenantId } = recorded.metadata;
    switch (event.type) {
      case 'AccountCreated': {
        // Events recorded before payment terms existed lack the field: 0, due on the invoice date.
        const { accountId, paymentTermsDays = DEFAULT_PAYMENT_TERMS_DAYS, ...account } = event.data;
        const doc = { ...account, paymentTermsDays, ...searchFields(account.name, account.email) };
        return [{ op: 'upsert', collection: ACCOUNTS, tenantId, id: accountId, doc, position: recorded.position }];
      }
      case 'AccountContactUpdated':
        return [
          {
            op: 'patch',
            collection: ACCOUNTS,
            tenantId,
            id: event.data.accountId,
            fields: { contact: event.data.contact, email: event.data.contact.email ?? null, searchEmail: lowerOrNull(event.data.contact.email) },
            position: recorded.position,
          },
        ];
      case 'AccountPaymentTermsChanged':
        return [
          {
            op: 'patch',
            collection: ACCOUNTS,
            tenantId,
            id: event.data.accountId,
            fields: { paymentTermsDays: event.data.to },
            position: recorded.position,
          },
        ];
      case 'AccountTaxExemptChanged':
        // The bill run reads it here (with the address) to ask the tax calculation for the account's rates.
        return [{ op: 'patch', collection: ACCOUNTS, tenantId, id: event.data.accountId, fields: { taxExempt: event.data.taxExempt }, position: recorded.position }];
      case 'AccountStatusChanged':
        // The bill run reads the status here (per page of due instances) to skip what is not billable.
        return [{ op: 'patch', collection: ACCOUNTS, tenantId, id: event.data.accountId, fields: { status: event.data.to }, position: recorded.position }];
      case 'AccountMetadataChanged':
        // The whole metadata after the change ({} once every key is removed: the GET leaves it out then).
        return [{ op: 'patch', collection: ACCOUNTS, tenantId, id: event.data.accountId, fields: { metadata: event.data.metadata }, position: recorded.position }];
      case 'AccountParented':
      case 'AccountDetached': {
        const parentAccountId = event.type === 'AccountParented' ? event.data.parentAccountId : null;
        return [{ op: 'patch', collection: ACCOUNTS, tenantId, id: event.data.accountId, fields: { parentAccountId }, position: recorded.position }];
      }
      default:
        return [];
    }
  },
};

/** The lower-cased name and email the list's `q` searches by prefix (GET /v1/accounts); the GET leaves them out. */
export const SEARCH_FIELDS = ['searchName', 'searchEmail'] as const;

function searchFields(name: unknown, email: unknown): { searchName: string | null; searchEmail: string | null } {
  return { searchName: lowerOrNull(name), searchEmail: lowerOrNull(email) };
}

function lowerOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}
