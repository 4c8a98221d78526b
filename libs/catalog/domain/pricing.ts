import { assertNever } from '../../shared-kernel/decider';
import { Decimal } from '../../shared-kernel/decimal';
import { InvalidInputError } from '../../shared-kernel/errors';
import { validateAll } from '../../shared-kernel/validation';
import { at, listOf, objectWith, oneOf, positiveDecimalString, priceString } from './input';

/**
 * How a service is priced for a quantity (DOMAIN.md §6). Prices are decimal strings in major units,
 * kept exactly as given ("5.00" stays "5.00"); arithmetic parses them into Decimal.
 */
export type Pricing = PerUnitPricing | TierPricing;

export const PRICING_MODELS = ['perUnit', 'tiered', 'volume'] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

export interface PerUnitPricing {
  model: 'perUnit';
  unitPrice: string;
}

/** `tiered` is graduated (each unit at its own tier's price); `volume` prices every unit at the tier the total reaches. */
export interface TierPricing {
  model: 'tiered' | 'volume';
  tiers: Tier[];
}

/**
 * A tier covers quantities above the previous tier's `upTo` up to and including its own; `upTo: null`
 * is the open last tier. `flatPrice` is charged once when the tier is reached; absent means none.
 */
export interface Tier {
  upTo: string | null;
  unitPrice: string;
  flatPrice?: string;
}

/** At most this many tiers per price: a rate card, not a lookup table. */
export const MAX_TIERS = 50;

/** Validates pricing input (JSON) at `field` (e.g. "services[0].pricing"). */
export function parsePricing(value: unknown, field: string): Pricing {
  const input = objectWith(value, field, ['model', 'unitPrice', 'tiers']);
  const model = oneOf(input.model, at(field, 'model'), PRICING_MODELS);
  switch (model) {
    case 'perUnit':
      if (input.tiers !== undefined) throw notAllowed(at(field, 'tiers'), 'perUnit');
      return { model, unitPrice: priceString(input.unitPrice, at(field, 'unitPrice')) };
    case 'tiered':
    case 'volume':
      if (input.unitPrice !== undefined) throw notAllowed(at(field, 'unitPrice'), model);
      return { model, tiers: parseTiers(input.tiers, at(field, 'tiers')) };
    default:
      return assertNever(model);
  }
}

function notAllowed(field: string, model: string): InvalidInputError {
  const hint = model === 'perUnit' ? 'perUnit pricing has a unitPrice and no tiers' : `${model} pricing has tiers and no top-level unitPrice`;
  return InvalidInputError.forField(field, 'notAllowed', `${field} is not allowed: ${hint}`);
}

/** Each tier's own fields first, then the rules across tiers (ascending bounds, exactly one open tier, last). */
function parseTiers(value: unknown, field: string): Tier[] {
  const items = listOf(value, field, MAX_TIERS);
  const tiers = Object.values(validateAll(Object.fromEntries(items.map((item, i) => [String(i), () => parseTier(item, `${field}[${i}]`)])))) as Tier[];
  validateAll({ open: () => checkOpenTier(tiers, field), ascending: () => checkAscending(tiers, field) });
  return tiers;
}

function parseTier(value: unknown, field: string): Tier {
  const input = objectWith(value, field, ['upTo', 'unitPrice', 'flatPrice']);
  const tier = validateAll({
    upTo: () => parseUpTo(input.upTo, at(field, 'upTo')),
    unitPrice: () => priceString(input.unitPrice, at(field, 'unitPrice')),
    flatPrice: () => (input.flatPrice === undefined || input.flatPrice === null ? undefined : priceString(input.flatPrice, at(field, 'flatPrice'))),
  });
  const { flatPrice, ...rest } = tier;
  return flatPrice === undefined ? rest : { ...rest, flatPrice }; // no undefined fields in events
}

function parseUpTo(value: unknown, field: string): string | null {
  if (value === undefined) {
    throw InvalidInputError.forField(field, 'required', `${field} is required: a decimal string, or null for the open last tier`);
  }
  return value === null ? null : positiveDecimalString(value, field);
}

/** Exactly one open tier, and it is the last; the error sits on the tier that breaks the rule. */
function checkOpenTier(tiers: Tier[], field: string): void {
  const open = tiers.flatMap((tier, i) => (tier.upTo === null ? [i] : []));
  const last = tiers.length - 1;
  if (open.length > 1) {
    throw InvalidInputError.forField(`${field}[${open[1]}].upTo`, 'oneOpenTier', `${field} may have only one open tier (upTo: null), the last; tiers ${open.join(' and ')} are open`);
  }
  if (open.length === 1 && open[0] !== last) {
    throw InvalidInputError.forField(`${field}[${open[0]}].upTo`, 'openTierLast', `${field}[${open[0]}].upTo is null, but only the last tier may be open`);
  }
  if (open.length === 0) {
    throw InvalidInputError.forField(`${field}[${last}].upTo`, 'lastTierOpen', `${field}[${last}].upTo must be null: the last tier is open, so every quantity has a price`);
  }
}

function checkAscending(tiers: Tier[], field: string): void {
  let previous: { bound: Decimal; index: number } | null = null;
  for (const [index, tier] of tiers.entries()) {
    if (tier.upTo === null) continue;
    const bound = new Decimal(tier.upTo);
    if (previous !== null && bound.lte(previous.bound)) {
      throw InvalidInputError.forField(
        `${field}[${index}].upTo`,
        'ascending',
        `${field}[${index}].upTo (${tier.upTo}) must be greater than ${field}[${previous.index}].upTo (${tiers[previous.index].upTo})`,
      );
    }
    previous = { bound, index };
  }
}

/**
 * The exact amount, in major units, for `quantity` of a service priced so; unrounded (invoice lines
 * round once, later). A quantity of zero costs nothing in every model: no tier is reached.
 */
export function priceFor(pricing: Pricing, quantity: Decimal): Decimal {
  if (quantity.isNegative()) throw new RangeError(`quantity must not be negative (got ${quantity.toString()})`);
  switch (pricing.model) {
    case 'perUnit':
      return quantity.times(pricing.unitPrice);
    case 'tiered':
      return graduated(pricing.tiers, quantity);
    case 'volume':
      return volume(pricing.tiers, quantity);
    default:
      return assertNever(pricing);
  }
}

/** Each unit at the price of the tier it falls in, plus the flat price of every tier reached. */
function graduated(tiers: Tier[], quantity: Decimal): Decimal {
  let total = new Decimal(0);
  let floor = new Decimal(0);
  for (const tier of tiers) {
    if (quantity.lte(floor)) break;
    const ceiling = tier.upTo === null ? quantity : Decimal.min(quantity, tier.upTo);
    total = total.plus(ceiling.minus(floor).times(tier.unitPrice)).plus(tier.flatPrice ?? 0);
    if (tier.upTo === null) break;
    floor = new Decimal(tier.upTo);
  }
  return total;
}

/** Every unit at the price of the tier the total falls in, plus that tier's flat price. */
function volume(tiers: Tier[], quantity: Decimal): Decimal {
  if (quantity.isZero()) return new Decimal(0);
  const tier = tiers.find((t) => t.upTo === null || quantity.lte(t.upTo)) ?? tiers[tiers.length - 1];
  return quantity.times(tier.unitPrice).plus(tier.flatPrice ?? 0);
}
