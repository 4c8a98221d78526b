/**
 * The payment-gateway port (docs/decisions/0012-payment-gateway-port.md): what payments asks of a card/bank-debit
 * processor, shaped so that an adapter for a real one (Stripe, Adyen, Braintree) is one file. Amounts are integers
 * in minor units. Every call that moves money carries an idempotency key: the same key always gets the same answer
 * and never moves money twice; a key reused for a different request is a bug, and the adapter throws
 * IdempotencyKeyReusedError.
 */

export type GatewayPaymentMethodType = 'card' | 'bankDebit';

export interface VerifyRequest {
  type: GatewayPaymentMethodType;
  token: string;
}

/** `ok: false`: the gateway refuses the token; the caller's input was wrong (a 4xx), `reason` says why. */
export type VerifyResult = { ok: true; last4: string } | { ok: false; reason: string };

export interface ChargeRequest {
  /** Derived from what the charge pays (docs/decisions/0012), so a redo after a crash asks with the same key. */
  idempotencyKey: string;
  token: string;
  /** Minor units, at least 1. */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  /** Shown on the processor's side (statement descriptor, dashboard). Not part of the idempotency check. */
  description: string;
}

export type ChargeDeclineReason = 'declined' | 'insufficientFunds';

/**
 * - succeeded: the money was taken: `amount` (minor units), as the gateway's books say (a caller that lost its
 *   record of a charge learns from `lookup` what was really charged).
 * - declined: the issuer or bank said no; no money moved. Retrying the same token later (dunning) may succeed.
 * - failed: the gateway erred before deciding; no money moved; a new attempt (a new key) may succeed.
 * - unknown: no answer (a timeout); the charge may or may not have been taken. Settle it with `lookup` and the
 *   same key, NEVER by charging again.
 */
export type ChargeOutcome =
  | { status: 'succeeded'; chargeId: string; amount: number }
  | { status: 'declined'; reason: ChargeDeclineReason; chargeId: string }
  | { status: 'failed'; retryable: true; reason: string }
  | { status: 'unknown' };

export interface RefundRequest {
  idempotencyKey: string;
  /** The `chargeId` of a succeeded charge. */
  chargeId: string;
  /** Minor units, at least 1, at most what is left of the charge. */
  amount: number;
}

/** failed with retryable false: the gateway refuses it (unknown charge, more than is left); true: try again later. */
export type RefundOutcome = { status: 'succeeded'; refundId: string } | { status: 'failed'; retryable: boolean; reason: string };

export interface PaymentGateway {
  /** Checks a token before it is put on file and answers the last 4 digits to show. Moves no money. */
  verify(method: VerifyRequest): Promise<VerifyResult>;
  /** Takes `amount` from the token once per key: a key already seen answers its first outcome. */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /** What a charge with this key came to, as far as the gateway knows now; null: the gateway never saw the key. */
  lookup(idempotencyKey: string): Promise<ChargeOutcome | null>;
  /** Gives back part or all of a succeeded charge once per key. */
  refund(request: RefundRequest): Promise<RefundOutcome>;
}

/** The Nest injection token of the PaymentGateway the application uses. */
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');

/** An idempotency key sent again with a different request: a bug in the caller, never a customer's error. */
export class IdempotencyKeyReusedError extends Error {
  constructor(
    readonly idempotencyKey: string,
    readonly differing: string[],
  ) {
    super(`idempotency key ${idempotencyKey} was used before with a different ${differing.join(', ')}: a key names one request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}
