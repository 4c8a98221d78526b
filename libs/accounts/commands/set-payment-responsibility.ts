import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { KnownPayers, payersNamed, PayerShare, ChargeClass } from '../domain/payment-responsibility';
import { paymentResponsibilityDecider, withDefaults, paymentResponsibilityStream } from '../domain/payment-responsibility.decider';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { loadAccount } from './account-lookup';

export type PaymentResponsibilityView = { accountId: string } & Record<ChargeClass, PayerShare[]>;

export class SetPaymentResponsibilityCommand extends Command<{ accountId: string; responsibility: unknown }> {}

/**
 * Looks up the account's and each named payer's currency in their own streams (accounts never change
 * currency and are never deleted, so the answer cannot go stale), then lets the domain decide.
 */
@CommandHandler(SetPaymentResponsibilityCommand)
export class SetPaymentResponsibilityHandler
  implements ICommandHandler<SetPaymentResponsibilityCommand, CommandOutcome<PaymentResponsibilityView>>
{
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { accountId, responsibility }, context }: SetPaymentResponsibilityCommand): Promise<CommandOutcome<PaymentResponsibilityView>> {
    const accountCurrency = await this.currencyOf(context.tenantId, accountId);
    const payers: KnownPayers = {};
    for (const payer of payersNamed(responsibility)) {
      const currency = await this.currencyOf(context.tenantId, payer);
      payers[payer] = currency === null ? null : { currency };
    }
    const outcome = await this.runner.run(
      paymentResponsibilityDecider,
      paymentResponsibilityStream(context.tenantId, accountId),
      { type: 'SetPaymentResponsibility', data: { accountId, accountCurrency, responsibility, payers } },
      context,
    );
    return { body: { accountId, ...withDefaults(accountId, outcome.state) }, position: outcome.position };
  }

  private async currencyOf(tenantId: string, accountId: string): Promise<string | null> {
    return (await loadAccount(this.events, tenantId, accountId))?.currency ?? null;
  }
}
