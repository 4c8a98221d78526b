import { InvalidInputError } from '../../shared-kernel/errors';

/**
 * Payment terms: how many days after its invoice date an invoice of the account is due
 * (dueDate = invoiceDate + paymentTermsDays). 0, the default, is due on the invoice date.
 */
export const DEFAULT_PAYMENT_TERMS_DAYS = 0;
export const MAX_PAYMENT_TERMS_DAYS = 365;

/** The rule an invalid value breaks, named alike by the DTO and the decider. */
export const PAYMENT_TERMS_RULE = 'integerRange';

export function isPaymentTermsDays(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_PAYMENT_TERMS_DAYS;
}

export function paymentTermsMessage(field: string, value: unknown): string {
  return `${field} must be a whole number of days from 0 to ${MAX_PAYMENT_TERMS_DAYS} (got ${JSON.stringify(value) ?? String(value)})`;
}

/** A checked number of days (-0 read as 0), or an InvalidInputError naming the field and the rule. */
export function paymentTermsDays(value: unknown, field: string): number {
  if (value === undefined || value === null) {
    throw InvalidInputError.forField(field, 'required', `${field} is required: a whole number of days from 0 to ${MAX_PAYMENT_TERMS_DAYS}`);
  }
  if (!isPaymentTermsDays(value)) throw InvalidInputError.forField(field, PAYMENT_TERMS_RULE, paymentTermsMessage(field, value));
  return value === 0 ? 0 : value;
}
