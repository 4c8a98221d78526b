import { DomainEvent } from '../../shared-kernel/decider';
import { Pricing } from './pricing';
import type { Metadata } from '../../shared-kernel/metadata';

export const BILLING_INTERVAL_UNITS = ['month', 'week'] as const;
export type BillingIntervalUnit = (typeof BILLING_INTERVAL_UNITS)[number];

/** A whole number of months (1–36) or weeks (1–52); periods are counted from the anchor (DOMAIN.md §3). */
export interface BillingInterval {
  unit: BillingIntervalUnit;
  count: number;
}

export const SERVICE_TYPES = ['recurring', 'usage'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** A recurring service is priced on the plan instance's quantity; a usage service on the usage of a period. */
export interface PlanService {
  id: string;
  name: string;
  type: ServiceType;
  pricing: Pricing;
  /** Which tax rates apply to its lines (tax-rate.ts); absent: the rates that name no category. */
  taxCategory?: string;
}

/** What a plan version says; a revision replaces all of it (except the currency, which is fixed). */
export interface PlanDefinition {
  name: string;
  currency: string;
  billingInterval: BillingInterval;
  services: PlanService[];
}

/** Version 1 of the plan; the data is the whole version, so a projection can store it as is. */
export type PlanCreated = DomainEvent<'PlanCreated', { planId: string; version: 1; /** Outside the versions (issue 22); absent when none. */ metadata?: Metadata } & PlanDefinition>;

/** A new version (n + 1) with the whole new definition; earlier versions stay as they were. */
export type PlanRevised = DomainEvent<'PlanRevised', { planId: string; version: number } & PlanDefinition>;

/**
 * The plan's metadata changed (issue 22). Metadata belongs to the plan, not to a version: a revision (PUT) keeps it
 * and makes no version for it. `metadata` is the whole of it after, `changed` the entries that differ (null: removed).
 */
export type PlanMetadataChanged = DomainEvent<'PlanMetadataChanged', { planId: string; metadata: Metadata; changed: Record<string, string | null> }>;

export type PlanEvent = PlanCreated | PlanRevised | PlanMetadataChanged;

/**
 * The plan version a plan instance bills, copied whole into its events: a version never changes once
 * published, so the instance's stream alone says what it charges (no catalog read on replay).
 */
export interface PlanSnapshot {
  id: string;
  version: number;
  name: string;
  currency: string;
  billingInterval: BillingInterval;
  services: PlanService[];
}
