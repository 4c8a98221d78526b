import { assertNever, Decider } from '../../shared-kernel/decider';
import { NotFoundError } from '../../shared-kernel/errors';
import { CHARGE_CLASSES, ChargeClass, KnownPayers, parsePaymentResponsibility, PayerShare, PaymentResponsibility } from './payment-responsibility';
import { streamName } from '../../shared-kernel/streams';

export type PaymentResponsibilityEvent = {
  type: 'PaymentResponsibilitySet';
  data: { accountId: string; responsibility: PaymentResponsibility };
};

export type PaymentResponsibilityCommand = {
  type: 'SetPaymentResponsibility';
  data: {
    accountId: string;
    /** The account's currency, or null when the account does not exist. */
    accountCurrency: string | null;
    /** The setting as sent (validated here). */
    responsibility: unknown;
    /** Each payer named in it, looked up by the caller. */
    payers: KnownPayers;
  };
};

/** The setting in force (empty: the account pays everything itself). */
export type PaymentResponsibilityState = PaymentResponsibility;

/**
 * Who pays an account's charges, per charge class (DOMAIN.md §7), kept apart from the account so that
 * invoicing reads one small stream. A PUT replaces the whole setting; setting the same again writes nothing.
 */
export const paymentResponsibilityDecider: Decider<PaymentResponsibilityCommand, PaymentResponsibilityEvent, PaymentResponsibilityState> = {
  initialState: {},
  decide(command, state) {
    switch (command.type) {
      case 'SetPaymentResponsibility': {
        const { accountId, accountCurrency, responsibility, payers } = command.data;
        if (accountCurrency === null) throw new NotFoundError('Account', accountId);
        const next = parsePaymentResponsibility(responsibility, accountCurrency, payers);
        if (JSON.stringify(withDefaults(accountId, next)) === JSON.stringify(withDefaults(accountId, state))) return [];
        return [{ type: 'PaymentResponsibilitySet', data: { accountId, responsibility: next } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'PaymentResponsibilitySet':
        return event.data.responsibility;
      default:
        return assertNever(event.type);
    }
  },
};

/** Every class spelled out: a class not set is paid 100% by the account itself. */
export function withDefaults(accountId: string, responsibility: PaymentResponsibility): Record<ChargeClass, PayerShare[]> {
  const self: PayerShare[] = [{ payerAccountId: accountId, percent: '100' }];
  return Object.fromEntries(CHARGE_CLASSES.map((charge) => [charge, responsibility[charge] ?? self])) as Record<ChargeClass, PayerShare[]>;
}

export function paymentResponsibilityStream(tenantId: string, accountId: string): string {
  return streamName('paymentResponsibility', tenantId, accountId);
}
