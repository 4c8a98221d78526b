import { DomainCommand } from '../../shared-kernel/decider';

/**
 * Fields typed loosely, as the API sends them: the decider validates every one and names the exact path
 * of a bad field (`services[1].pricing.tiers[2].upTo`).
 */
export interface PlanDefinitionInput {
  name: string;
  /** ISO 4217; every price of the plan is in it. Fixed once the plan exists. */
  currency: string;
  billingInterval: { unit: string; count: number };
  services: unknown[];
}

export type CreatePlan = DomainCommand<'CreatePlan', { planId: string; metadata?: unknown } & PlanDefinitionInput>;

/** PATCH /v1/plans/{id}/metadata: a string sets a key, null removes it, a key not named stays; no new version. */
export type ChangePlanMetadata = DomainCommand<'ChangePlanMetadata', { planId: string; metadata: unknown }>;

/** The full new definition (PUT semantics); an identical definition decides nothing. */
export type RevisePlan = DomainCommand<'RevisePlan', { planId: string } & PlanDefinitionInput>;

export type PlanCommand = CreatePlan | RevisePlan | ChangePlanMetadata;
