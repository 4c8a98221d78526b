import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DunningStep } from './dunning-process';

/** What the handler read from the account's ledger and payment methods, as of the command's date. */
export interface DunningFacts {
  currency: string | null;
  /** Every open past-due balance: charges, installments due, fees. */
  pastDue: number;
  /** The basis of a percentage late fee: past-due charges and installments, never fees (DOMAIN.md §9). */
  pastDueCharges: number;
  /** The minimum collection threshold (a default electronic method) or the net-terms threshold balance. */
  threshold: number;
  /** The oldest past-due recurring invoice: a case anchors its steps on its due date. */
  oldestPastDue: { invoiceId: string; dueDate: CalendarDate; planInstanceId: string | null } | null;
}

/** One version of a process, as the catalog of processes holds it. */
export interface ProcessVersion {
  processId: string;
  version: number;
  steps: DunningStep[];
}

export type DunningCaseCommand =
  /** The daily entry check: an account with a newly past-due recurring invoice. `process`: what applies to it (null: none). */
  | { type: 'CheckDunning'; data: { accountId: string; date: CalendarDate; facts: DunningFacts; process: ProcessVersion | null } }
  /** A step's timer fired. `process`: what the case's plan instance resolves to today (another process: a plan switch). */
  | { type: 'TakeDunningStep'; data: { accountId: string; caseId: string; step: number; date: CalendarDate; facts: DunningFacts; process: ProcessVersion | null } }
  /** The day after money came in: is the past-due balance settled? */
  | { type: 'ReviewDunning'; data: { accountId: string; date: CalendarDate; facts: DunningFacts } }
  /** An operator moves the case to another process or version. */
  | { type: 'MigrateDunning'; data: { accountId: string; date: CalendarDate; process: ProcessVersion } }
  /** An operator ends the case. */
  | { type: 'EndDunning'; data: { accountId: string; date: CalendarDate } };
