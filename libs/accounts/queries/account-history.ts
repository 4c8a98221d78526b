import { auditMetadataOf } from '../../platform/event-store/actor';
import { EventStore, RecordedEvent } from '../../platform/event-store/event-store.port';
import { badCursor, pageSize } from '../../platform/http/paging';
import { Filter, ReadStore } from '../../platform/read-store/read-store.port';
import { CalendarDate, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { InvalidInputError } from '../../shared-kernel/errors';
import {
  ACCOUNT_HISTORY,
  ACCOUNT_HISTORY_EVENT_TYPES,
  AccountHistoryEntry,
  historyRange,
  isHistoryType,
} from '../read-model/account-history.projection';

/** `GET /v1/accounts/{id}/history`'s query, checked. */
export interface HistoryQuery {
  /** Entries strictly after this log position (0: from the start). */
  after: number;
  limit: number;
  /** Only these event types (none: every type). */
  types: string[];
  from?: CalendarDate;
  to?: CalendarDate;
}

/** One event of an account's timeline, as the API shows it. */
export interface HistoryItem {
  position: number;
  id: string;
  type: string;
  stream: string;
  revision: number;
  businessDate: string;
  recordedAt: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

const CURSOR = /^h:(\d{1,16})$/;

export function encodeHistoryCursor(position: number): string {
  return Buffer.from(`h:${position}`, 'utf8').toString('base64url');
}

/** Pure: the query parameters checked, every mistake a 400 naming its parameter. */
export function parseHistoryQuery(raw: { cursor?: unknown; limit?: unknown; type?: unknown; from?: unknown; to?: unknown }): HistoryQuery {
  const limit = pageSize(single(raw.limit, 'limit'));
  const cursor = single(raw.cursor, 'cursor');
  let after = 0;
  if (cursor !== undefined) {
    const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match || !Number.isSafeInteger(Number(match[1]))) throw badCursor();
    after = Number(match[1]);
  }
  const types = typesOf(raw.type);
  const fromText = single(raw.from, 'from');
  const toText = single(raw.to, 'to');
  const from = fromText === undefined ? undefined : parseCalendarDate(fromText, 'from');
  const to = toText === undefined ? undefined : parseCalendarDate(toText, 'to');
  if (from !== undefined && to !== undefined && to < from) {
    throw InvalidInputError.forField('to', 'range', `to (${to}) must not be before from (${from})`);
  }
  return { after, limit, types, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** A parameter given once; given twice it is ambiguous (400). */
function single(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw InvalidInputError.forField(field, 'single', `${field} must be given at most once`);
}

/** `type=A,B` (or `type=A&type=B`): known types only, each once. */
function typesOf(raw: unknown): string[] {
  if (raw === undefined) return [];
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => (typeof value === 'string' ? value.split(',') : [String(value)]));
  const types = [...new Set(parts.map((part) => part.trim()))];
  if (types.length === 0 || types.some((type) => type.length === 0)) {
    throw InvalidInputError.forField('type', 'list', 'type must be a comma-separated list of event types, e.g. type=PaymentRecorded,CreditMemoIssued');
  }
  const unknown = types.filter((type) => !isHistoryType(type));
  if (unknown.length > 0) {
    throw InvalidInputError.forField(
      'type',
      'knownType',
      `type names ${unknown.map((type) => JSON.stringify(type)).join(', ')}, which an account's history never holds; known types: ${ACCOUNT_HISTORY_EVENT_TYPES.join(', ')}`,
    );
  }
  return types;
}

/**
 * One page of the account's history: the entries from the index (one keyset query per type asked for, merged by
 * position), then their events from the log in one read by position.
 */
export async function accountHistoryPage(
  store: ReadStore,
  events: EventStore,
  tenantId: string,
  accountId: string,
  query: HistoryQuery,
): Promise<{ items: HistoryItem[]; nextCursor?: string }> {
  const base: Filter = { id: historyRange(accountId, query.after) };
  if (query.from !== undefined || query.to !== undefined) {
    base.businessDate = { ...(query.from !== undefined ? { gte: query.from } : {}), ...(query.to !== undefined ? { lte: query.to } : {}) };
  }
  const filters: Filter[] =
    query.types.length === 0 ? [base] : query.types.map((type) => ({ ...base, accountType: `${accountId} ${type}` }));
  const pages = await Promise.all(filters.map((filter) => store.find<AccountHistoryEntry>(ACCOUNT_HISTORY, tenantId, { filter, sortBy: 'id', limit: query.limit })));
  const merged = pages.flatMap((page) => page.items).sort((a, b) => a.position - b.position);
  const entries = merged.slice(0, query.limit);
  const more = merged.length > query.limit || pages.some((page) => page.nextCursor !== undefined);

  const byPosition = new Map((await events.readPositions(entries.map((entry) => entry.position))).map((event) => [event.position, event]));
  const items: HistoryItem[] = [];
  for (const entry of entries) {
    const event = byPosition.get(entry.position);
    if (event) items.push(historyItem(event));
  }
  return more && entries.length > 0 ? { items, nextCursor: encodeHistoryCursor(entries[entries.length - 1].position) } : { items };
}

/** An event as the history shows it: the actor as an object (decision 0018), secrets left out of the data. */
export function historyItem(event: RecordedEvent): HistoryItem {
  return {
    position: event.position,
    id: event.id,
    type: event.type,
    stream: event.streamName,
    revision: event.revision,
    businessDate: event.metadata.businessDate,
    recordedAt: event.recordedAt,
    data: withoutSecrets(event.data),
    metadata: { ...event.metadata, ...auditMetadataOf(event.metadata) },
  };
}

/** What a gateway charges and what signs a customer in are never shown, at any depth. */
const SECRET_FIELDS = new Set(['token', 'tokenHash', 'passwordHash', 'keyHash', 'apiKeyHash', 'secret', 'secretCiphertext']);

export function withoutSecrets(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(withoutSecrets);
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!SECRET_FIELDS.has(key)) out[key] = withoutSecrets(value);
  return out;
}
