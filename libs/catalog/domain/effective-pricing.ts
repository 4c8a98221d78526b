import { Pricing } from './pricing';
import { PlanService } from './plan.events';

/** An override as the read model holds it: set on `accountId` for one service of one plan. */
export interface StoredOverride {
  accountId: string;
  planId: string;
  serviceId: string;
  pricing: Pricing | null;
  discountPercent: string | null;
}

export interface PricingSource {
  /** The account whose override is in force; null when it is the plan's own price. */
  accountId: string | null;
  kind: 'plan' | 'override';
}

export interface EffectiveService {
  serviceId: string;
  name: string;
  type: PlanService['type'];
  pricing: Pricing;
  discountPercent: string | null;
  source: PricingSource;
}

export interface EffectivePricing {
  accountId: string;
  planId: string;
  planVersion: number;
  currency: string;
  services: EffectiveService[];
}

/** The plan's current version, as the `plans` read model holds it. */
export interface CurrentPlan {
  id: string;
  version: number;
  currency: string;
  services: PlanService[];
}

/**
 * What an account pays for each service of a plan (DOMAIN.md §5: "the nearest one wins"). Walking from the
 * account up through its ancestors (nearest first), the first account with an override for the service
 * wins, and its override is taken whole: its pricing if it has one, else the plan's; its discount if it has
 * one, else none. A nearer discount-only override therefore does not inherit a farther override's pricing —
 * one account's setting is the whole answer, so what an account pays never mixes two negotiations.
 * Overrides of other plans, of services the plan no longer has, or of accounts outside the chain are ignored.
 */
export function effectivePricing(accountId: string, ancestors: readonly string[], plan: CurrentPlan, overrides: readonly StoredOverride[]): EffectivePricing {
  const chain = [accountId, ...ancestors];
  const services = plan.services.map((service): EffectiveService => {
    const nearest = nearestOverride(chain, plan.id, service.id, overrides);
    const base = { serviceId: service.id, name: service.name, type: service.type };
    if (nearest === null) return { ...base, pricing: service.pricing, discountPercent: null, source: { accountId: null, kind: 'plan' } };
    return {
      ...base,
      pricing: nearest.pricing ?? service.pricing,
      discountPercent: nearest.discountPercent,
      source: { accountId: nearest.accountId, kind: 'override' },
    };
  });
  return { accountId, planId: plan.id, planVersion: plan.version, currency: plan.currency, services };
}

/** The override of the nearest account in `chain` (the account first, then its ancestors nearest first). */
export function nearestOverride(chain: readonly string[], planId: string, serviceId: string, overrides: readonly StoredOverride[]): StoredOverride | null {
  for (const account of chain) {
    const found = overrides.find((o) => o.accountId === account && o.planId === planId && o.serviceId === serviceId);
    if (found) return found;
  }
  return null;
}

/**
 * What the decider needs to know about the world to price a period, gathered by the caller (a handler or
 * the bill run) since deciders do no I/O: the account's ancestors (nearest first) and the price overrides
 * set on the account and on them (DOMAIN.md §5: the nearest wins).
 */
export interface PricingContext {
  ancestors: string[];
  overrides: StoredOverride[];
}
