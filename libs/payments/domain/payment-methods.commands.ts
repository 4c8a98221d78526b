import { DomainCommand } from '../../shared-kernel/decider';

/**
 * Commands to one account's payment methods (stream `paymentMethods-<tenant>.<accountId>`). Fields are typed as
 * the application sends them; the decider validates every one. Ids come from the caller: the same id with the
 * same content decides nothing, the same id with other content is a ConflictError.
 */

export const PAYMENT_METHOD_TYPES = ['card', 'bankDebit'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

/**
 * A card or bank debit mandate, as a gateway token. The application layer verifies the token with the payment
 * gateway first (a token it refuses never gets here) and passes the `last4` the gateway answered.
 */
export type AddPaymentMethod = DomainCommand<
  'AddPaymentMethod',
  {
    accountId: string;
    paymentMethodId: string;
    type: PaymentMethodType;
    token: string;
    last4: string;
    /** Absent: true. The account's first method becomes the default even when false. */
    makeDefault?: boolean | null;
  }
>;

/** Removing the default leaves the account with no default: it is on net terms until another is made default. */
export type RemovePaymentMethod = DomainCommand<'RemovePaymentMethod', { accountId: string; paymentMethodId: string }>;

export type SetDefaultPaymentMethod = DomainCommand<'SetDefaultPaymentMethod', { accountId: string; paymentMethodId: string }>;

export type PaymentMethodsCommand = AddPaymentMethod | RemovePaymentMethod | SetDefaultPaymentMethod;
