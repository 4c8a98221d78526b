import { Pricing, priceFor, effectivePricing } from '../../catalog/domain';
import { InvoiceLine } from './invoice';
import { Decimal } from '../../shared-kernel/decimal';
import { roundToMinor } from '../../shared-kernel/money';
import { days, lastDay, Period } from './billing-grid';
import { PricingContext } from './plan-instance.commands';
import { ChargeInForce, PlanSnapshot } from './plan-instance.events';

/** What one recurring service of the plan costs this account: the catalog's or the nearest override's. */
export interface ServicePrice {
  serviceId: string;
  name: string;
  pricing: Pricing;
  discountPercent: string | null;
}

/** The recurring services of the plan, each with the price in force for the account (DOMAIN.md §5). */
export function recurringPrices(plan: PlanSnapshot, accountId: string, context: PricingContext): ServicePrice[] {
  const effective = effectivePricing(accountId, context.ancestors, plan, context.overrides);
  return effective.services
    .filter((service) => service.type === 'recurring')
    .map(({ serviceId, name, pricing, discountPercent }) => ({ serviceId, name, pricing, discountPercent }));
}

/** The charge for a whole period of `quantity`: exact, after the discount, not rounded. */
export function chargeFor(price: ServicePrice, quantity: number): ChargeInForce {
  const keep = discountFactor(price.discountPercent);
  return {
    serviceId: price.serviceId,
    quantity,
    periodPrice: priceFor(price.pricing, new Decimal(quantity)).times(keep).toString(),
    unitPrice: price.pricing.model === 'perUnit' ? unitPrice(price.pricing.unitPrice, price.discountPercent) : null,
  };
}

/**
 * The amount for the days of `used` out of the full period `full` (DOMAIN.md §3):
 * price × days used / days in the full period, computed exactly and rounded once, half away from zero.
 */
export function proratedAmount(periodPrice: string, used: Period, full: Period, currency: string): number {
  const exact = new Decimal(periodPrice).times(days(used)).div(days(full));
  return roundToMinor(exact, currency);
}

export interface LineInput {
  charge: ChargeInForce;
  serviceName: string;
  planName: string;
  planInstanceId: string;
  used: Period;
  full: Period;
  currency: string;
}

/** A recurring charge for `used`; marked prorated when it is less than the full period. */
export function recurringLine(input: LineInput): InvoiceLine {
  const prorated = days(input.used) !== days(input.full);
  const amount = proratedAmount(input.charge.periodPrice, input.used, input.full, input.currency);
  const share = prorated ? ` (${days(input.used)} of ${days(input.full)} days)` : '';
  return line(input, 'recurring', amount, `${input.planName} – ${input.serviceName}${share}`, prorated);
}

/** Refunds the unused days `used` of a charge: the same formula, negative. Never more than was charged for them. */
export function creditLine(input: LineInput): InvoiceLine {
  const amount = -proratedAmount(input.charge.periodPrice, input.used, input.full, input.currency);
  const description = `Credit for unused time: ${input.planName} – ${input.serviceName} (${days(input.used)} of ${days(input.full)} days)`;
  return line(input, 'credit', amount + 0, description, true);
}

function line(input: LineInput, type: InvoiceLine['type'], amount: number, description: string, prorated: boolean): InvoiceLine {
  return {
    type,
    planInstanceId: input.planInstanceId,
    serviceId: input.charge.serviceId,
    description,
    periodStart: input.used.from,
    periodEnd: lastDay(input.used),
    quantity: String(input.charge.quantity),
    unitPrice: input.charge.unitPrice,
    amount,
    prorated,
  };
}

/** "15" percent off keeps 0.85 of the price. */
function discountFactor(discountPercent: string | null): Decimal {
  return discountPercent === null ? new Decimal(1) : new Decimal(100).minus(discountPercent).div(100);
}

/** The catalog's string as given when there is no discount ("100.00" stays "100.00"). */
function unitPrice(price: string, discountPercent: string | null): string {
  return discountPercent === null ? price : new Decimal(price).times(discountFactor(discountPercent)).toString();
}
