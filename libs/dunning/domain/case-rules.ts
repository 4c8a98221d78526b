import { addDays, CalendarDate } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { roundToMinor, toMajor } from '../../shared-kernel/money';
import { DunningStep } from './dunning-process';

/**
 * The date step `index` (0-based) fires: its days after the due date, or after the date the previous step was
 * taken (`from: previousStep`; the first step has no previous one and counts from the due date).
 */
export function stepDate(steps: readonly DunningStep[], index: number, dueDate: CalendarDate, previousStepDate: CalendarDate | null): CalendarDate {
  const step = steps[index];
  const from = step.from === 'previousStep' && index > 0 && previousStepDate !== null ? previousStepDate : dueDate;
  return addDays(from, step.days);
}

/**
 * The step a case continues at in a process with `stepCount` steps, when it was due to take `nextStep` (1-based):
 * the same one if it exists, else the last (better than the seeds, whose accounts stall past the end).
 */
export function nearestStep(nextStep: number, stepCount: number): number | null {
  if (stepCount === 0) return null;
  return Math.min(nextStep, stepCount);
}

/**
 * A late fee in minor units (DOMAIN.md §9): a flat amount, or a percentage of `basis`, the past-due charges alone
 * (never earlier fees, never installments not yet due), rounded once, half away from zero.
 */
export function lateFeeAmount(fee: { flat?: string; percent?: string }, basis: number, currency: string): number {
  if (fee.flat !== undefined) return roundToMinor(new Decimal(fee.flat), currency);
  return roundToMinor(toMajor({ amount: basis, currency }).times(new Decimal(fee.percent ?? '0')).div(100), currency);
}
