import { DomainEvent } from '../../shared-kernel/decider';
import { PaymentMethodType } from './payment-methods.commands';

/**
 * Facts of one account's payment methods (stream `paymentMethods-<tenant>.<accountId>`). Which method is the
 * default changes ONLY through DefaultPaymentMethodChanged (after an add, a set-default or the removal of the
 * default), so a projection follows one event for it; every event names the method's type and last4, so a
 * notification ("card ending 4242 removed") needs no lookup.
 */

/** A verified gateway token is on file. The token is what the gateway charges: read models must not show it. */
export type PaymentMethodAdded = DomainEvent<
  'PaymentMethodAdded',
  {
    accountId: string;
    paymentMethodId: string;
    type: PaymentMethodType;
    token: string;
    last4: string;
  }
>;

/** The method is gone; `wasDefault`: the account had it as default and now has none (net terms). */
export type PaymentMethodRemoved = DomainEvent<
  'PaymentMethodRemoved',
  {
    accountId: string;
    paymentMethodId: string;
    type: PaymentMethodType;
    last4: string;
    wasDefault: boolean;
  }
>;

/** Why the default changed: a new method became it, it was chosen, or the default was removed. */
export type DefaultPaymentMethodChangeCause = 'added' | 'setDefault' | 'removed';

/**
 * The default moved `from` one method (null: there was none) `to` another (null: none left, the account is on
 * net terms). `to` names its type and last4 when there is one.
 */
export type DefaultPaymentMethodChanged = DomainEvent<
  'DefaultPaymentMethodChanged',
  {
    accountId: string;
    from: string | null;
    to: string | null;
    toType: PaymentMethodType | null;
    toLast4: string | null;
    cause: DefaultPaymentMethodChangeCause;
  }
>;

export type PaymentMethodsEvent = PaymentMethodAdded | PaymentMethodRemoved | DefaultPaymentMethodChanged;

export const PAYMENT_METHODS_EVENT_TYPES: readonly PaymentMethodsEvent['type'][] = [
  'PaymentMethodAdded',
  'PaymentMethodRemoved',
  'DefaultPaymentMethodChanged',
];
