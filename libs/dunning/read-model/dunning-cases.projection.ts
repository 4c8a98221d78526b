import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, ReadStore } from '../../platform/read-store/read-store.port';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DunningActionTaken, DunningCaseEvent } from '../domain/dunning-case.events';

export const DUNNING_CASES = 'dunningCases';

/** Where an account stands in dunning (GET /v1/accounts/{id}/dunning), one document per account that ever entered. */
export interface DunningCaseDoc extends Doc {
  accountId: string;
  status: 'none' | 'inDunning';
  caseId: string;
  processId: string;
  processVersion: number;
  /** The last step taken (0: none yet). */
  step: number;
  nextStep: number | null;
  nextStepDate: CalendarDate | null;
  currency: string;
  pastDue: number;
  startedOn: CalendarDate;
  resolvedOn: CalendarDate | null;
  resolution: 'paid' | 'operator' | null;
  /** Every step taken and every migration, of every case of the account, oldest first. */
  history: DunningHistoryEntry[];
}

export type DunningHistoryEntry =
  | { caseId: string; step: number; date: CalendarDate; processId: string; processVersion: number; actions: DunningActionTaken[] }
  | { caseId: string; event: 'started' | 'migrated' | 'resolved'; date: CalendarDate; processId?: string; processVersion?: number; reason?: string };

export const dunningCasesProjection: Projector = {
  name: 'dunning-cases',
  collections: [{ name: DUNNING_CASES, indexes: ['status'] }],
  eventTypes: ['DunningStarted', 'DunningStepAdvanced', 'DunningMigrated', 'DunningResolved'],
  prefetch(recorded) {
    return [{ collection: DUNNING_CASES, tenantId: recorded.metadata.tenantId, id: (recorded.data as { accountId: string }).accountId }];
  },
  async project(recorded, view) {
    const event = recorded as unknown as RecordedEvent & DunningCaseEvent;
    const { tenantId } = recorded.metadata;
    const { accountId, caseId } = event.data;
    const current = (await view.get(DUNNING_CASES, tenantId, accountId)) as DunningCaseDoc | null;
    const next = caseDoc(current, event);
    return next ? [{ op: 'upsert', collection: DUNNING_CASES, tenantId, id: accountId, doc: next, position: recorded.position }] : [];
    function caseDoc(doc: DunningCaseDoc | null, e: DunningCaseEvent): DunningCaseDoc | null {
      switch (e.type) {
        case 'DunningStarted': {
          const { processId, processVersion, nextStep, nextStepDate, currency, pastDue, startedOn } = e.data;
          const history = [...(doc?.history ?? []), { caseId, event: 'started' as const, date: startedOn, processId, processVersion }];
          return { accountId, status: 'inDunning', caseId, processId, processVersion, step: 0, nextStep, nextStepDate, currency, pastDue, startedOn, resolvedOn: null, resolution: null, history };
        }
        case 'DunningStepAdvanced': {
          if (!doc) return null;
          const { step, date, processId, processVersion, actions, nextStep, nextStepDate, pastDue } = e.data;
          return { ...doc, step, nextStep, nextStepDate, pastDue, history: [...doc.history, { caseId, step, date, processId, processVersion, actions }] };
        }
        case 'DunningMigrated': {
          if (!doc) return null;
          const { processId, processVersion, nextStep, nextStepDate, migratedOn, reason } = e.data;
          return { ...doc, processId, processVersion, nextStep, nextStepDate, history: [...doc.history, { caseId, event: 'migrated', date: migratedOn, processId, processVersion, reason }] };
        }
        case 'DunningResolved': {
          if (!doc) return null;
          const { resolvedOn, reason } = e.data;
          return { ...doc, status: 'none', nextStep: null, nextStepDate: null, resolvedOn, resolution: reason, history: [...doc.history, { caseId, event: 'resolved', date: resolvedOn, reason }] };
        }
      }
    }
  },
};

/** The accounts of a tenant in dunning now (the process manager asks once per read-model position, see ReadModelAt). */
export async function accountsInDunning(store: ReadStore, tenantId: string): Promise<Set<string>> {
  const accounts = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await store.find<DunningCaseDoc>(DUNNING_CASES, tenantId, { filter: { status: 'inDunning' }, limit: 1000, cursor });
    for (const doc of page.items) accounts.add(doc.accountId);
    cursor = page.nextCursor;
  } while (cursor);
  return accounts;
}
