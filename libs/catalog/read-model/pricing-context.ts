import { StoredOverride, PricingContext } from '../domain/effective-pricing';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { HIERARCHY } from '../../accounts/read-model';
import { PRICE_OVERRIDES } from './price-overrides.projection';

/**
 * The facts a billing command needs from read models, gathered before the (pure) decider runs: where the
 * account sits in the hierarchy and the price overrides along its chain. Used by the command handlers and
 * by the daily bill run.
 */

const OVERRIDES_PAGE = 200;

/**
 * Remembers, for one tenant and one bill run, which plans have any override at all: most have none, and the
 * bill run then prices 100,000 instances without a query per instance.
 */
export class OverridePresence {
  private readonly known = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: ReadStore,
    private readonly tenantId: string,
  ) {}

  has(planId: string): Promise<boolean> {
    let answer = this.known.get(planId);
    if (!answer) {
      answer = this.store.find(PRICE_OVERRIDES, this.tenantId, { filter: { planId }, limit: 1 }).then((page) => page.items.length > 0);
      this.known.set(planId, answer);
    }
    return answer;
  }
}

/** The account's ancestors (nearest first) and the overrides of `planIds` set on it or on them. */
export async function pricingContext(
  store: ReadStore,
  tenantId: string,
  accountId: string,
  planIds: readonly string[],
  presence = new OverridePresence(store, tenantId),
): Promise<PricingContext> {
  const priced = await Promise.all([...new Set(planIds)].map(async (planId) => ((await presence.has(planId)) ? [planId] : [])));
  const overridden = priced.flat();
  // Ancestors only matter to find overrides: with none for these plans, the hierarchy need not be read.
  if (overridden.length === 0) return { ancestors: [], overrides: [] };
  // No hierarchy document (yet, or ever): the account is a root.
  const placement = await store.get<{ ancestors: string[] }>(HIERARCHY, tenantId, accountId);
  const ancestors = placement?.ancestors ?? [];
  const overrides: StoredOverride[] = [];
  for (const planId of overridden) {
    for (const owner of [accountId, ...ancestors]) overrides.push(...(await overridesOf(store, tenantId, owner, planId)));
  }
  return { ancestors, overrides };
}

async function overridesOf(store: ReadStore, tenantId: string, accountId: string, planId: string): Promise<StoredOverride[]> {
  const found: StoredOverride[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.find<StoredOverride & Record<string, unknown>>(PRICE_OVERRIDES, tenantId, {
      filter: { accountId, planId },
      limit: OVERRIDES_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const { accountId: owner, planId: plan, serviceId, pricing, discountPercent } of page.items) {
      found.push({ accountId: owner, planId: plan, serviceId, pricing, discountPercent });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return found;
}
