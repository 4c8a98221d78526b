import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { TimerEvent } from '../domain/timer.decider';

export const TIMERS = 'timers';

/** Durable timers by status and due date: the timer process manager asks it which timers are due on a day. */
export const timersProjection: Projector = {
  name: 'timers',
  collections: [{ name: TIMERS, indexes: ['status', 'dueDate'] }],
  eventTypes: ['TimerScheduled', 'TimerFired', 'TimerCancelled'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & TimerEvent;
    const base = { collection: TIMERS, tenantId: recorded.metadata.tenantId, id: event.data.timerId, position: recorded.position };
    switch (event.type) {
      case 'TimerScheduled':
        return [{ ...base, op: 'upsert', doc: { status: 'scheduled', dueDate: event.data.dueDate, command: event.data.command } }];
      case 'TimerFired':
        return [{ ...base, op: 'patch', fields: { status: 'fired', firedOn: event.data.firedOn } }];
      case 'TimerCancelled':
        return [{ ...base, op: 'patch', fields: { status: 'cancelled', reason: event.data.reason } }];
      default:
        return [];
    }
  },
};
