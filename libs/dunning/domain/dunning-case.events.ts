import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';
import { DunningStep } from './dunning-process';

/**
 * Facts of one account's dunning (stream `dunning-<tenant>.<accountId>`, DOMAIN.md §9). An account is in at most one
 * case at a time; `caseId` is `<accountId>:<n>` (its n-th case), so every id an action derives from it is unique.
 * Each event carries what a projection and a notice need: no rules downstream.
 */

/** What one action of a step did (or, for commands issued after the event, what it asked for, with the id it used). */
export type DunningActionTaken =
  /** A collection attempt of the account's balance through its default method; its outcome is the payment's own event. */
  | { type: 'retryCollection'; paymentId: string }
  /** An email with the tenant's template of that name; its id is the SendEmail's. */
  | { type: 'notify'; template: string; emailId: string }
  /** A fee posted to the account's receivables as its own item (kind `fee`, due at once); `basis` is what a percent applied to. */
  | { type: 'lateFee'; feeId: string; amount: number; currency: string; flat: string | null; percent: string | null; basis: number }
  /** A status change of the account or of the case's plan instance (`targetId`). */
  | { type: 'setStatus'; target: 'account' | 'planInstance'; targetId: string; status: string };

export type DunningStarted = DomainEvent<
  'DunningStarted',
  {
    accountId: string;
    caseId: string;
    processId: string;
    processVersion: number;
    /** The version's steps as they were when the case started: the case finishes them unless migrated. */
    steps: DunningStep[];
    /** The plan instance whose past-due recurring invoice brought the account in (null: a pool's invoice). */
    planInstanceId: string | null;
    /** The oldest past-due recurring invoice, and its due date: steps count from it. */
    invoiceId: string;
    dueDate: CalendarDate;
    currency: string;
    pastDue: number;
    threshold: number;
    startedOn: CalendarDate;
    /** 1-based; null when the process has no step left to take. */
    nextStep: number | null;
    nextStepDate: CalendarDate | null;
  }
>;

export type DunningStepAdvanced = DomainEvent<
  'DunningStepAdvanced',
  {
    accountId: string;
    caseId: string;
    processId: string;
    processVersion: number;
    /** 1-based, in the process's steps. */
    step: number;
    /** The n-th step this case took (1-based; the action ids derive from it): after a migration it may differ from `step`. */
    ordinal: number;
    date: CalendarDate;
    actions: DunningActionTaken[];
    currency: string;
    pastDue: number;
    nextStep: number | null;
    nextStepDate: CalendarDate | null;
  }
>;

/** The case moved to another process or version (an operator's migration, or a plan switch to another process). */
export type DunningMigrated = DomainEvent<
  'DunningMigrated',
  {
    accountId: string;
    caseId: string;
    processId: string;
    processVersion: number;
    steps: DunningStep[];
    reason: 'operator' | 'planSwitch';
    nextStep: number | null;
    nextStepDate: CalendarDate | null;
    migratedOn: CalendarDate;
  }
>;

/** The past-due balance is paid, credited or written off (or an operator ended the case): statuses dunning set are restored. */
export type DunningResolved = DomainEvent<
  'DunningResolved',
  {
    accountId: string;
    caseId: string;
    resolvedOn: CalendarDate;
    reason: 'paid' | 'operator';
    /** What dunning changed, to restore unless an operator changed it since. */
    statusesSet: { target: 'account' | 'planInstance'; targetId: string }[];
  }
>;

export type DunningCaseEvent = DunningStarted | DunningStepAdvanced | DunningMigrated | DunningResolved;
