import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { streamName } from '../../shared-kernel/streams';
import { duplicate } from './item.decider';
import { InstallmentTerm, InstallmentTermInput, parseInstallmentTerm } from './installment-terms';

/**
 * An installment term of the catalog as an aggregate (stream `installmentTerm-<tenant>.<id>`): created once,
 * never revised, because a schedule keeps the term it was computed with (InstallmentScheduleCreated names
 * its termId). The rules of the term itself are installment-terms.ts's.
 */
export type InstallmentTermCreated = DomainEvent<'InstallmentTermCreated', { termId: string; createdOn: string } & Omit<InstallmentTerm, 'id'>>;
export type InstallmentTermEvent = InstallmentTermCreated;

/** The term's fields loosely typed, as the API sends them (without the id), and the tenant's business date. */
export interface CreateInstallmentTermInput extends Omit<InstallmentTermInput, 'id'> {
  termId: string;
  on: string;
}

export type CreateInstallmentTerm = DomainCommand<'CreateInstallmentTerm', CreateInstallmentTermInput>;
export type InstallmentTermCommand = CreateInstallmentTerm;

/** The term as GET /v1/installment-terms/{id} shows it. */
export interface InstallmentTermView extends InstallmentTerm {
  createdOn: string;
}

export type InstallmentTermState = InstallmentTermView | null;

const DEFINITION_FIELDS = ['name', 'schedule', 'frequency', 'installments', 'lumpSum', 'daysUntilDue', 'lumpSumDaysUntilDue'] as const;

/**
 * Bad input is a 400 naming every field (parseInstallmentTerm). The same id again with the same term decides
 * nothing (a retry is answered with the term); with another term it is a 409 naming what differs.
 */
export const installmentTermDecider: Decider<InstallmentTermCommand, InstallmentTermEvent, InstallmentTermState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateInstallmentTerm': {
        const { termId, on, ...fields } = command.data;
        const { id: _id, ...term } = parseInstallmentTerm({ id: termId, ...fields });
        if (state !== null) {
          const differing = DEFINITION_FIELDS.filter((field) => JSON.stringify(state[field]) !== JSON.stringify(term[field]));
          if (differing.length === 0) return [];
          throw duplicate('installment term', termId, differing);
        }
        return [{ type: 'InstallmentTermCreated', data: { termId, ...term, createdOn: on } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'InstallmentTermCreated': {
        const { termId, createdOn, ...term } = event.data;
        return { id: termId, ...term, createdOn };
      }
      default:
        return assertNever(event.type);
    }
  },
};

export function installmentTermStream(tenantId: string, termId: string): string {
  return streamName('installmentTerm', tenantId, termId);
}
