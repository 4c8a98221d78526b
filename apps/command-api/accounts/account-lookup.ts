import { toDomainEvent } from '../../../libs/command-pipeline/decider-runner';
import { Account, accountDecider } from '../../../libs/domain/accounts/account.decider';
import { AccountEvent } from '../../../libs/domain/accounts/account.events';
import { fold } from '../../../libs/domain/shared/decider';
import { EventStore } from '../../../libs/event-store/event-store.port';
import { streamName } from '../../../libs/command-pipeline/streams';

export function accountStream(tenantId: string, accountId: string): string {
  return streamName('account', tenantId, accountId);
}

/**
 * An account as its own stream says it is (not a read model): for commands on other aggregates that must
 * know an account exists or its currency. Accounts are never deleted and never change currency.
 */
export async function loadAccount(events: EventStore, tenantId: string, accountId: string): Promise<Account | null> {
  const history = (await events.readStream(accountStream(tenantId, accountId))).map(toDomainEvent) as AccountEvent[];
  return fold(accountDecider, history);
}
