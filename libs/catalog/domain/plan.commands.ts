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

export type CreatePlan = DomainCommand<'CreatePlan', { planId: string } & PlanDefinitionInput>;

/** The full new definition (PUT semantics); an identical definition decides nothing. */
export type RevisePlan = DomainCommand<'RevisePlan', { planId: string } & PlanDefinitionInput>;

export type PlanCommand = CreatePlan | RevisePlan;
