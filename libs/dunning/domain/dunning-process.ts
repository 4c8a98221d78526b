/**
 * The shape of a dunning process's steps (API.md "Dunning"): the contract between the process definitions (the
 * catalog of processes and groups) and the dunning cases that run them. Amounts in a late fee are decimal strings in
 * major units, as prices are; the case turns them into minor units of the account's currency.
 */
export type DunningAction =
  | { type: 'retryCollection' }
  | { type: 'notify'; template: string }
  /** Exactly one of flat ("5.00") and percent ("5": of the past-due charges, never of earlier fees). */
  | { type: 'lateFee'; flat?: string; percent?: string }
  | { type: 'setStatus'; target: 'account' | 'planInstance'; status: string };

export interface DunningStep {
  /** Whole days (≥ 0) after the due date, or after the previous step's date. */
  days: number;
  from: 'dueDate' | 'previousStep';
  actions: DunningAction[];
}
