import { parsePricing, Pricing } from './pricing';
import { parseDecimal } from '../../shared-kernel/decimal';
import { ErrorDetail, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { validateAll } from '../../shared-kernel/validation';

/**
 * A special price for one service of one plan, set on an account (DOMAIN.md §5): it applies to the
 * account and its descendants unless a nearer account sets its own. Either part may be absent (null):
 * a new pricing replaces the plan's, a discount is taken off whichever pricing is in force.
 */
export interface PriceOverride {
  planId: string;
  serviceId: string;
  pricing: Pricing | null;
  /** A decimal string, normalised ("10.50" → "10.5"), more than 0 and at most 100. */
  discountPercent: string | null;
}

/** What the decider needs to know about the plan named: its currency and services, or null if it does not exist. */
export interface KnownPlan {
  id: string;
  currency: string;
  serviceIds: string[];
}

/** The request as sent; every field is checked here. `undefined` means the field was not sent. */
export interface PriceOverrideInput {
  planId: unknown;
  serviceId: unknown;
  pricing?: unknown;
  discountPercent?: unknown;
}

/** A setting, or (both parts sent as null) the removal of the override for that plan and service. */
export type ParsedPriceOverride = { kind: 'set'; override: PriceOverride } | { kind: 'remove'; planId: string; serviceId: string };

const MAX_DISCOUNT_DECIMALS = 4;

/** The key of an override in the account's state: one override per plan and service. */
export function overrideKey(planId: string, serviceId: string): string {
  return `${planId}/${serviceId}`;
}

/**
 * Shape checks (400), every invalid field reported at once. Removal must be explicit (both fields sent as
 * null) so that a body that forgot both is refused rather than silently deleting a negotiated price.
 */
export function parsePriceOverride(input: PriceOverrideInput): ParsedPriceOverride {
  const { planId, serviceId, pricing, discountPercent } = validateAll({
    planId: () => id(input.planId, 'planId'),
    serviceId: () => id(input.serviceId, 'serviceId'),
    pricing: () => (input.pricing === undefined || input.pricing === null ? null : parsePricing(input.pricing, 'pricing')),
    discountPercent: () => (input.discountPercent === undefined || input.discountPercent === null ? null : parseDiscountPercent(input.discountPercent, 'discountPercent')),
    something: () => requireSomething(input),
  });
  if (pricing === null && discountPercent === null) return { kind: 'remove', planId, serviceId };
  return { kind: 'set', override: { planId, serviceId, pricing, discountPercent } };
}

/** A percentage off: more than 0 (zero is no override at all) and at most 100 (free), at most 4 decimals. */
export function parseDiscountPercent(value: unknown, field: string): string {
  const percent = parseDecimal(value, field);
  if (percent.lte(0) || percent.gt(100) || percent.decimalPlaces() > MAX_DISCOUNT_DECIMALS) {
    throw InvalidInputError.forField(
      field,
      'percent',
      `${field} must be more than 0 and at most 100, with at most ${MAX_DISCOUNT_DECIMALS} decimals (got ${JSON.stringify(value)})`,
    );
  }
  return percent.toString();
}

/**
 * The rules against the catalog and the account (422), all reported together: the plan exists, the
 * service is one of its current services, and the plan bills in the account's currency (an override
 * for a plan the account can never hold would be dead weight).
 */
export function assertOverrideAllowed(override: PriceOverride, accountCurrency: string, plan: KnownPlan | null): void {
  const problems: ErrorDetail[] = [];
  if (plan === null) {
    problems.push({ field: 'planId', rule: 'planExists', message: `plan ${override.planId} is not a plan of this tenant` });
  } else {
    if (!plan.serviceIds.includes(override.serviceId)) {
      problems.push({
        field: 'serviceId',
        rule: 'serviceExists',
        message: `service ${override.serviceId} is not a service of plan ${plan.id}; its services are ${plan.serviceIds.join(', ')}`,
      });
    }
    if (plan.currency !== accountCurrency) {
      problems.push({ field: 'planId', rule: 'sameCurrency', message: `plan ${plan.id} bills in ${plan.currency}, this account in ${accountCurrency}` });
    }
  }
  if (problems.length > 0) throw new RuleViolationError(problems.map((p) => p.message).join('; '), problems);
}

function id(value: unknown, field: string): string {
  assertValidId(value, field);
  return value;
}

function requireSomething(input: PriceOverrideInput): void {
  const sent = [input.pricing, input.discountPercent].filter((value) => value !== undefined);
  if (sent.length === 0) {
    throw InvalidInputError.forField('body', 'pricingOrDiscount', 'send pricing and/or discountPercent; to remove the override, send both as null');
  }
  if (sent.length === 1 && sent[0] === null) {
    throw InvalidInputError.forField(
      'body',
      'pricingOrDiscount',
      'one of pricing and discountPercent is null and the other is missing: send a value, or send both as null to remove the override',
    );
  }
}
