import { toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { Account, accountDecider, accountStream, accountView } from '../domain/account.decider';
import { AccountEvent } from '../domain/account.events';
import { fold } from '../../shared-kernel/decider';
import { EventStore } from '../../platform/event-store/event-store.port';

/**
 * An account as its own stream says it is (not a read model): for commands on other aggregates that must
 * know an account exists or its currency. Accounts are never deleted and never change currency.
 */
export async function loadAccount(events: Pick<EventStore, 'readStream'>, tenantId: string, accountId: string): Promise<Account | null> {
  const history = (await events.readStream(accountStream(tenantId, accountId))).map(toDomainEvent) as AccountEvent[];
  const state = fold(accountDecider, history);
  return state && accountView(state);
}
