import { Pricing } from './pricing';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { NotFoundError } from '../../shared-kernel/errors';
import { assertOverrideAllowed, KnownPlan, overrideKey, parsePriceOverride, PriceOverride } from './price-override';
import { streamName } from '../../shared-kernel/streams';

export type PriceOverrideEvent =
  | { type: 'PriceOverrideSet'; data: { accountId: string; planId: string; serviceId: string; pricing: Pricing | null; discountPercent: string | null } }
  | { type: 'PriceOverrideRemoved'; data: { accountId: string; planId: string; serviceId: string } };

export type PriceOverrideCommand = {
  type: 'SetPriceOverride';
  data: {
    accountId: string;
    /** The account's currency, or null when the account does not exist. */
    accountCurrency: string | null;
    /** The plan named, looked up by the caller (its current version), or null when it does not exist. */
    plan: KnownPlan | null;
    /** As sent (validated here); `undefined` means not sent. */
    planId: unknown;
    serviceId: unknown;
    pricing?: unknown;
    discountPercent?: unknown;
  };
};

/** The overrides set on the account itself, by `overrideKey(planId, serviceId)`. */
export type PriceOverrideState = Record<string, PriceOverride>;

/**
 * The price overrides set on one account (stream `priceOverrides-<tenant>.<account>`), kept apart from the
 * account so that pricing reads one small stream per account on the way up the hierarchy.
 * Order: the account exists (404), the input is well-formed (400), the catalog allows it (422), then a
 * setting equal to the one in force writes nothing. Removal (both parts null) skips the catalog rules, so an
 * override for a service a plan revision dropped can still be removed; removing nothing writes nothing.
 */
export const priceOverrideDecider: Decider<PriceOverrideCommand, PriceOverrideEvent, PriceOverrideState> = {
  initialState: {},
  decide(command, state) {
    switch (command.type) {
      case 'SetPriceOverride': {
        const { accountId, accountCurrency, plan } = command.data;
        if (accountCurrency === null) throw new NotFoundError('Account', accountId);
        const parsed = parsePriceOverride(command.data);
        if (parsed.kind === 'remove') {
          const { planId, serviceId } = parsed;
          return state[overrideKey(planId, serviceId)] ? [{ type: 'PriceOverrideRemoved', data: { accountId, planId, serviceId } }] : [];
        }
        const { override } = parsed;
        assertOverrideAllowed(override, accountCurrency, plan);
        const current = state[overrideKey(override.planId, override.serviceId)];
        // Pricing comes out of parsePricing with a fixed key order, so JSON equality is value equality.
        if (current && JSON.stringify(current) === JSON.stringify(override)) return [];
        return [{ type: 'PriceOverrideSet', data: { accountId, ...override } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PriceOverrideSet': {
        const { planId, serviceId, pricing, discountPercent } = event.data;
        return { ...state, [overrideKey(planId, serviceId)]: { planId, serviceId, pricing, discountPercent } };
      }
      case 'PriceOverrideRemoved': {
        const { [overrideKey(event.data.planId, event.data.serviceId)]: _removed, ...rest } = state;
        return rest;
      }
      default:
        return assertNever(event);
    }
  },
};

/** The API view of one override; both parts null once it is removed (or was never set). */
export function overrideView(accountId: string, planId: string, serviceId: string, state: PriceOverrideState) {
  const current = state[overrideKey(planId, serviceId)];
  return { accountId, planId, serviceId, pricing: current?.pricing ?? null, discountPercent: current?.discountPercent ?? null };
}

export function priceOverridesStream(tenantId: string, accountId: string): string {
  return streamName('priceOverrides', tenantId, accountId);
}
