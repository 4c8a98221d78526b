import { Provider } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../platform/event-store/event-store.port';
import { CONSUMERS, Consumers } from '../platform/app/consumers';
import { READ_STORE, ReadStore } from '../platform/read-store/read-store.port';
import { findEach } from '../platform/read-store/find-all';
import { AccountReplay, BusinessDay, TimeTravel } from '../platform/time-travel/time-travel';
import { streamName } from '../shared-kernel/streams';
import { clockStream } from '../time/domain';
import { TenantDirectory } from '../tenancy';
import { TenantView } from '../tenancy/domain';
import { ACCOUNT_HISTORY, ACCOUNTS } from '../accounts/read-model';

/** The account-history projector's name: its checkpoint tells how far the index of an account's events reaches. */
const ACCOUNT_HISTORY_PROJECTOR = 'account-history';

/**
 * The time travel every app's read routes use (`?asOf`, `?asOfPosition`): every projector of the product, the
 * business days from the time context's clock stream, today from the tenant directory; and for an account's own
 * document, the events about it from its timeline's index (decision 0018) and its own stream (decision 0020).
 */
export const timeTravelProvider: Provider = {
  provide: TimeTravel,
  useFactory: (events: EventStore, consumers: Consumers, directory: TenantDirectory, live: ReadStore) =>
    new TimeTravel<TenantView>({
      events,
      projectors: consumers.projectors,
      businessDays: businessDaysOf(events),
      today: (tenant) => directory.businessDate(tenant),
      account: accountReplay(events, live, consumers),
    }),
  inject: [EVENT_STORE, CONSUMERS, TenantDirectory, READ_STORE],
};

/**
 * The tenant's business days from its clock stream, one event a day. The stream only grows, so what was read is kept
 * and each call reads only the days started since (a read of the past resolves its date without reading every day).
 */
export function businessDaysOf(events: EventStore): (tenantId: string) => Promise<BusinessDay[]> {
  const known = new Map<string, BusinessDay[]>();
  return async (tenantId) => {
    const days = known.get(tenantId) ?? [];
    const started = await events.readStream(clockStream(tenantId), { fromRevision: days.length });
    const all = started.length === 0 ? days : [...days, ...started.map((event) => ({ date: String(event.data.date), position: event.position }))];
    known.set(tenantId, all);
    return all;
  };
}

/**
 * The account's document is written by the projectors of the `accounts` collection from events about the account
 * only (they read no other document). Those events are in the account's timeline (the `accountHistory` index: id
 * `<accountId>@<position padded to 16>`, so the key range `<accountId>@…` in log order) or on its own stream (events
 * the timeline leaves out, such as AccountTaxExemptChanged). When the index is behind the position asked, null.
 */
export function accountReplay(events: EventStore, live: ReadStore, consumers: Consumers): AccountReplay {
  const projectors = consumers.projectors.filter((projector) => projector.collections.some((collection) => collection.name === ACCOUNTS));
  const types = new Set(projectors.flatMap((projector) => projector.eventTypes));
  return {
    projectors,
    async events(tenantId, accountId, upTo) {
      const indexed = await live.getCheckpoint(ACCOUNT_HISTORY_PROJECTOR);
      if (indexed === null || indexed < upTo) return null;
      // The account's own stream (accounts' accountStream) first: most of what its document is made of, read in one go.
      const own = (await events.readStream(streamName('account', tenantId, accountId))).filter((event) => event.position <= upTo && types.has(event.type));
      const read = new Set(own.map((event) => event.position));
      // Then the events of those types about it on other streams (hierarchy links), from its timeline's index.
      const elsewhere: number[] = [];
      const range = { gt: `${accountId}@`, lte: `${accountId}@${String(upTo).padStart(16, '0')}` };
      for await (const entry of findEach<{ position: number; type: string }>(live, ACCOUNT_HISTORY, tenantId, { filter: { id: range } })) {
        if (types.has(entry.type) && !read.has(entry.position)) elsewhere.push(entry.position);
      }
      const others = elsewhere.length > 0 ? await events.readPositions(elsewhere) : [];
      return [...own, ...others].sort((a, b) => a.position - b.position);
    },
  };
}
