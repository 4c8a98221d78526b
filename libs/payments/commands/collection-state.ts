import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { Decider, DomainCommand, DomainEvent, fold as foldEvents } from '../../shared-kernel/decider';

export { accountBalance, defaultPaymentMethod, paymentMethodsDecider, paymentMethodsStream, receivablesDecider, receivablesStream } from '../domain';

/** An aggregate's state from its recorded stream (read to decide what to charge, before the charge). */
export function fold<Event extends DomainEvent, State>(decider: Decider<DomainCommand, Event, State>, recorded: RecordedEvent[]): State {
  return foldEvents(decider, recorded.map(toDomainEvent) as Event[]);
}
