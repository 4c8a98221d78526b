import { Decimal, parseDecimal } from '../../shared-kernel/decimal';
import { ErrorDetail, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';

/** The kinds of charge whose payer can be set apart (DOMAIN.md §7). */
export const CHARGE_CLASSES = ['recurring', 'usage', 'oneTime', 'fees'] as const;
export type ChargeClass = (typeof CHARGE_CLASSES)[number];

export interface PayerShare {
  payerAccountId: string;
  /** A decimal string, e.g. "60" or "33.33"; the shares of one class sum to exactly 100. */
  percent: string;
}

/** Who pays each class of an account's charges. A class not listed is paid by the account itself. */
export type PaymentResponsibility = Partial<Record<ChargeClass, PayerShare[]>>;

/** What the decider needs to know about each payer named: its currency, or null if it does not exist. */
export type KnownPayers = Record<string, { currency: string } | null>;

const MAX_PERCENT_DECIMALS = 4;

/**
 * Validates a payment-responsibility setting (input, so `unknown`) for an account in `currency`.
 * Shape problems are 400s naming the field; a payer that does not exist or bills in another currency is
 * refused by the domain (422). Every problem is reported at once.
 */
export function parsePaymentResponsibility(input: unknown, currency: string, payers: KnownPayers): PaymentResponsibility {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw InvalidInputError.forField('body', 'object', 'the body must be an object with recurring, usage, oneTime and/or fees');
  }
  const shapeProblems: ErrorDetail[] = [];
  const ruleProblems: ErrorDetail[] = [];
  const result: PaymentResponsibility = {};
  for (const [field, value] of Object.entries(input)) {
    if (!(CHARGE_CLASSES as readonly string[]).includes(field)) {
      shapeProblems.push({ field, rule: 'unknownField', message: `${field} is not a charge class; use ${CHARGE_CLASSES.join(', ')}` });
      continue;
    }
    if (value === undefined || value === null) continue;
    const shares = parseShares(field, value, shapeProblems);
    if (shares) {
      ruleProblems.push(...payerProblems(field, shares, currency, payers));
      result[field as ChargeClass] = shares;
    }
  }
  if (shapeProblems.length > 0) throw new InvalidInputError(summary(shapeProblems), shapeProblems);
  if (ruleProblems.length > 0) throw new RuleViolationError(summary(ruleProblems), ruleProblems);
  return result;
}

/** The payers a setting names, so the caller can look them up. */
export function payersNamed(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  return [
    ...new Set(
      Object.values(input)
        .filter(Array.isArray)
        .flat()
        .map((share) => (share as { payerAccountId?: unknown })?.payerAccountId)
        .filter(isValidId),
    ),
  ];
}

function parseShares(field: string, value: unknown, problems: ErrorDetail[]): PayerShare[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field, rule: 'nonEmptyList', message: `${field} must be a non-empty list of { payerAccountId, percent }` });
    return null;
  }
  const before = problems.length;
  const shares: PayerShare[] = [];
  let total = new Decimal(0);
  value.forEach((share: unknown, index) => {
    const at = `${field}[${index}]`;
    const { payerAccountId, percent, ...rest } = (typeof share === 'object' && share !== null ? share : {}) as Record<string, unknown>;
    for (const extra of Object.keys(rest)) problems.push({ field: `${at}.${extra}`, rule: 'unknownField', message: `${at}.${extra} is not a known field` });
    if (!isValidId(payerAccountId)) {
      problems.push({ field: `${at}.payerAccountId`, rule: 'id', message: `${at}.payerAccountId must be an account id` });
    } else if (shares.some((s) => s.payerAccountId === payerAccountId)) {
      problems.push({ field: `${at}.payerAccountId`, rule: 'unique', message: `${payerAccountId} appears twice in ${field}` });
    }
    const parsed = parsePercent(percent, `${at}.percent`, problems);
    if (parsed) total = total.plus(parsed);
    if (isValidId(payerAccountId) && parsed) shares.push({ payerAccountId, percent: parsed.toString() });
  });
  if (problems.length === before && !total.equals(100)) {
    problems.push({ field, rule: 'sumsTo100', message: `the percents of ${field} sum to ${total.toString()}, not 100` });
  }
  return problems.length === before ? shares : null;
}

function parsePercent(value: unknown, field: string, problems: ErrorDetail[]): Decimal | null {
  try {
    const percent = parseDecimal(value, field);
    if (percent.lte(0) || percent.gt(100) || percent.decimalPlaces() > MAX_PERCENT_DECIMALS) {
      problems.push({ field, rule: 'percent', message: `${field} must be more than 0 and at most 100, with at most ${MAX_PERCENT_DECIMALS} decimals` });
      return null;
    }
    return percent;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    problems.push(...error.details);
    return null;
  }
}

function payerProblems(field: string, shares: PayerShare[], currency: string, payers: KnownPayers): ErrorDetail[] {
  return shares.flatMap((share, index) => {
    const at = `${field}[${index}].payerAccountId`;
    const payer = payers[share.payerAccountId];
    if (!payer) return [{ field: at, rule: 'accountExists', message: `payer ${share.payerAccountId} is not an account of this tenant` }];
    if (payer.currency !== currency) {
      return [{ field: at, rule: 'sameCurrency', message: `payer ${share.payerAccountId} bills in ${payer.currency}, this account in ${currency}` }];
    }
    return [];
  });
}

function summary(problems: ErrorDetail[]): string {
  return problems.map((p) => p.message).join('; ');
}
