import { DomainError } from '../errors';

/** What a refused call answers, for specs (Jest only; excluded from the build): its status and each detail's field and rule. */
export function refusal(run: () => unknown): { status: number; details: Array<{ field: string; rule: string }> } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { status: error.status, details: error.details.map(({ field, rule }) => ({ field, rule })) };
    throw error;
  }
  throw new Error('expected a refusal');
}
