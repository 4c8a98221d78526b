import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { TenantDirectory } from '../../tenancy';
import { accountBalance, defaultPaymentMethod, fold, paymentMethodsDecider, paymentMethodsStream, receivablesDecider, receivablesStream } from './collection-state';
import { PAYMENT_GATEWAY, PaymentGateway } from '../gateway';
import { chargeKey, settledCharge } from './gateway-charge';
import { FaultInjector } from '../../platform/process-manager-runtime/faults';

/** Attempts of one collection: the first, then retries of gateway errors on durable timers (1 and 2 days later). */
export const MAX_COLLECTION_ATTEMPTS = 3;

/** A collection attempt's payment id: legible, and the retry schedule reads the invoice and attempt back from it. */
export function collectionPaymentId(invoiceId: string, attempt: number): string {
  return `col:${invoiceId}:${attempt}`;
}

export function parseCollectionPaymentId(paymentId: string): { invoiceId: string; attempt: number } | null {
  const match = /^col:(.+):(\d+)$/.exec(paymentId);
  return match ? { invoiceId: match[1], attempt: Number(match[2]) } : null;
}

export interface CollectionOutcome {
  paymentId: string;
  /** Why nothing was charged, when nothing was. */
  skipped?: 'noDefaultPaymentMethod' | 'nothingOwed' | 'belowThreshold' | 'alreadyDone' | 'notCollectedOnOrder';
  status?: 'succeeded' | 'declined' | 'failed';
}

/**
 * Issued by the collection process manager when an invoice posts for the account (and by its retry timers), and by
 * dunning's retry steps, which name their own payment id (`dun:<caseId>:<step>`: not retried by the collection
 * process manager, whose schedule reads `col:` ids).
 */
export class CollectPaymentCommand extends Command<{ accountId: string; invoiceId: string; attempt: number; paymentId?: string; order?: boolean }> {}

/**
 * Automatic collection (DOMAIN.md §8): an account with a default electronic payment method is charged its balance
 * when an invoice posts, if the balance is at least the tenant's minimum collection threshold. Declines and gateway
 * errors are recorded (PaymentFailed, with the reason) and leave the invoices open for dunning; a gateway error is
 * retried by the process manager on a timer. The payment id derives from the invoice and the attempt, and the
 * gateway's key from the payment id: a crash after the charge and before it is recorded charges nothing twice.
 */
@CommandHandler(CollectPaymentCommand)
export class CollectPaymentHandler implements ICommandHandler<CollectPaymentCommand, CommandOutcome<CollectionOutcome>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly directory: TenantDirectory,
    private readonly faults: FaultInjector,
  ) {}

  async execute({ data: { accountId, invoiceId, attempt, paymentId: named, order }, context }: CollectPaymentCommand): Promise<CommandOutcome<CollectionOutcome>> {
    const paymentId = named ?? collectionPaymentId(invoiceId, attempt);
    const { tenantId, businessDate } = context;
    // Seed 002's "auto collect on order invoicing": off unless the tenant turned it on.
    if (order && (await this.directory.byId(tenantId))?.settings.autoCollectOnOrder !== true) return { body: { paymentId, skipped: 'notCollectedOnOrder' }, position: 0 };
    // The short stream first: most accounts of a tenant on net terms are done after it.
    const method = defaultPaymentMethod(fold(paymentMethodsDecider, await this.runner.readStream(paymentMethodsStream(tenantId, accountId))));
    if (!method) return { body: { paymentId, skipped: 'noDefaultPaymentMethod' }, position: 0 };
    const ledger = fold(receivablesDecider, await this.runner.readStream(receivablesStream(tenantId, accountId)));
    if (ledger.payments.has(paymentId) || ledger.failures.has(paymentId)) return { body: { paymentId, skipped: 'alreadyDone' }, position: 0 };
    const { balance, currency } = accountBalance(ledger, businessDate);
    const settings = (await this.directory.byId(tenantId))?.settings;
    const threshold = settings?.minimumCollectionThreshold ?? 0;
    if (balance <= 0 || currency === null) return { body: { paymentId, skipped: 'nothingOwed' }, position: 0 };
    if (balance < threshold) return { body: { paymentId, skipped: 'belowThreshold' }, position: 0 };

    const charge = await settledCharge(this.gateway, {
      idempotencyKey: chargeKey(tenantId, paymentId),
      token: method.token,
      amount: balance,
      currency,
      description: `collection of ${accountId}'s balance after invoice ${invoiceId} (attempt ${attempt})`,
    });
    this.faults.pass('after-gateway-charge'); // crash tests: the money is taken, its payment not yet recorded
    const applicationMethod = settings?.paymentApplicationMethod ?? 'fifo';
    const recorded =
      charge.status === 'succeeded'
        ? await this.runner.run(
            receivablesDecider,
            receivablesStream(tenantId, accountId),
            {
              type: 'RecordPayment',
              // What the gateway took: the balance, or (a retry after a crash) what it took the first time.
              data: { accountId, paymentId, amount: charge.amount, currency, source: 'paymentMethod', paymentMethodId: method.id, reference: charge.chargeId, applicationMethod, businessDate },
            },
            context,
          )
        : await this.runner.run(
            receivablesDecider,
            receivablesStream(tenantId, accountId),
            {
              type: 'RecordPaymentFailure',
              data: { accountId, paymentId, amount: balance, currency, reason: charge.reason, retryable: charge.status === 'failed', businessDate },
            },
            context,
          );
    return { body: { paymentId, status: charge.status }, position: recorded.position };
  }
}
