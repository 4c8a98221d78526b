import { ServiceUnavailableException } from '@nestjs/common';
import { ChargeOutcome, PaymentGateway } from '../gateway';

/** What a charge came to, once known: money taken, or refused (declined, or a gateway error worth retrying later). */
export type SettledCharge = Exclude<ChargeOutcome, { status: 'unknown' }>;

/** The gateway did not say whether it took the money: ask again later with the same key (never charge again blindly). */
export class ChargeOutcomeUnknownError extends ServiceUnavailableException {}

/**
 * Charges through the gateway with a key derived from what the charge pays, so a crash, a retry or a repeat
 * never charges twice: a key the gateway already knows is answered from its books (`lookup` first, so a retry whose
 * amount changed meanwhile records what was really charged instead of being refused). A timeout (`unknown`) is settled by
 * asking the gateway about the key (`lookup`), never by charging again; if even that does not know, the caller is
 * told to try again later (a process manager's event is parked and retried with back-off; an HTTP client sends
 * the same request again).
 */
export async function settledCharge(
  gateway: PaymentGateway,
  request: { idempotencyKey: string; token: string; amount: number; currency: string; description: string },
): Promise<SettledCharge> {
  // Asked before (a crash between the charge and its record): what the gateway's books say, whatever we ask now.
  const before = await gateway.lookup(request.idempotencyKey);
  if (before && before.status !== 'unknown') return before;
  const outcome = await gateway.charge(request);
  if (outcome.status !== 'unknown') return outcome;
  const known = await gateway.lookup(request.idempotencyKey);
  if (known && known.status !== 'unknown') return known;
  throw new ChargeOutcomeUnknownError(
    `The payment gateway has not answered charge ${request.idempotencyKey} yet; send the same request again later: the charge is never taken twice`,
  );
}

export function chargeKey(tenantId: string, paymentId: string): string {
  return `${tenantId}:payment:${paymentId}`;
}
