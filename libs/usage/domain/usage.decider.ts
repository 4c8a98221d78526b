import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { streamName } from '../../shared-kernel/streams';

/** One usage record as the log keeps it. */
export interface UsageRecord {
  serviceId: string;
  /** A decimal string more than 0 (at most 10 decimals), normalised: "12.5", "0.1", "7". */
  quantity: string;
  /** The business date it occurred on, in the tenant's time zone. */
  occurredOn: CalendarDate;
  idempotencyKey: string;
  /** Present (true) only on usage dated in a closed billing period, accepted because the tenant allows late usage. */
  late?: true;
}

/** `YYYY-MM`: the month of the occurrence, which names the stream. */
export type UsageMonth = string;

/**
 * Usage of one account that occurred in one month, newly recorded: the records of one request for this
 * stream, duplicates (keys already in the stream or repeated in the request) left out.
 */
export type UsageRecorded = DomainEvent<'UsageRecorded', { accountId: string; month: UsageMonth; records: UsageRecord[] }>;
export type UsageEvent = UsageRecorded;

/**
 * Record these records (already checked against the input and domain rules by the caller, all of this
 * account and month); those whose idempotency key the stream has seen are duplicates and are left out.
 */
export type RecordUsage = DomainCommand<'RecordUsage', { accountId: string; month: UsageMonth; records: UsageRecord[] }>;
export type UsageCommand = RecordUsage;

/**
 * The idempotency keys seen in the stream, as an append-only index shared by successive states: `keys` maps
 * each key to the order in which it was first seen, and a state sees the first `size` of them. Folding one
 * more event into the newest state appends to the same map (O(records), not O(keys): a busy account-month
 * holds tens of thousands of keys); folding into an older state, which only a retried or speculative decision
 * does, copies the part that state sees first. Every state keeps answering for its own version.
 */
export interface UsageState {
  readonly keys: ReadonlyMap<string, number>;
  readonly size: number;
}

export function hasKey(state: UsageState, key: string): boolean {
  const seen = state.keys.get(key);
  return seen !== undefined && seen < state.size;
}

export function keyCount(state: UsageState): number {
  return state.size;
}

function withKeys(state: UsageState, records: readonly UsageRecord[]): UsageState {
  let keys = state.keys as Map<string, number>;
  if (state.size === 0 || keys.size !== state.size) {
    // The (shared) initial state, or one that another state was folded from already: a map of its own,
    // with the part this state sees.
    keys = new Map();
    for (const [key, seen] of state.keys) if (seen < state.size) keys.set(key, seen);
  }
  let size = state.size;
  for (const { idempotencyKey } of records) {
    if (keys.has(idempotencyKey)) continue;
    keys.set(idempotencyKey, size++);
  }
  return { keys, size };
}

/** `YYYY-MM` of a `YYYY-MM-DD` date. */
export function monthOf(date: CalendarDate): UsageMonth {
  return date.slice(0, 7);
}

/**
 * The entity part of a usage stream's name: `<accountId>.<YYYY-MM>` (stream `usage-<tenant>.<accountId>.<YYYY-MM>`).
 * The month has a fixed length, so an account id containing `.` still names one stream only.
 */
export function usageStreamEntity(accountId: string, month: UsageMonth): string {
  return `${accountId}.${month}`;
}

/**
 * Usage of one account in one month of occurrence. Its only rule is idempotency: a record whose key this
 * stream already holds is a duplicate and writes nothing, also after a restart, since the key is in the
 * stream. Keys are therefore unique per account and month of occurrence: the same key on another account, or
 * dated in another month, is another record. A repeated key is ignored whatever its quantity (DOMAIN.md §6).
 */
export const usageDecider: Decider<UsageCommand, UsageEvent, UsageState> = {
  // Never appended to: folding into an empty state always starts a map of its own.
  initialState: { keys: new Map(), size: 0 },
  decide(command, state) {
    switch (command.type) {
      case 'RecordUsage': {
        const { accountId, month, records } = command.data;
        const fresh: UsageRecord[] = [];
        const inCommand = new Set<string>();
        for (const record of records) {
          if (monthOf(record.occurredOn) !== month) {
            throw new Error(`usage of ${record.occurredOn} sent to the stream of ${accountId} for ${month}`);
          }
          const key = record.idempotencyKey;
          if (inCommand.has(key) || hasKey(state, key)) continue;
          inCommand.add(key);
          fresh.push(record);
        }
        return fresh.length === 0 ? [] : [{ type: 'UsageRecorded', data: { accountId, month, records: fresh } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'UsageRecorded':
        return withKeys(state, event.data.records);
      default:
        return assertNever(event.type);
    }
  },
  fold(events) {
    let state: UsageState = { keys: new Map(), size: 0 };
    for (const event of events) state = withKeys(state, event.data.records);
    return state;
  },
};

/** `usage-<tenant>.<accountId>.<YYYY-MM>`: one account's usage that occurred in one month. */
export function usageStream(tenantId: string, accountId: string, month: UsageMonth): string {
  return streamName('usage', tenantId, usageStreamEntity(accountId, month));
}
