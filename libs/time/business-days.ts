import { CommandContext } from '../platform/command-pipeline/command-context';
import { CommandBus } from '@nestjs/cqrs';
import { toDomainEvent } from '../platform/command-pipeline/decider-runner';
import { CommandOutcome } from '../platform/command-pipeline/command';
import { StartBusinessDayCommand, StartedBusinessDay } from './commands/start-business-day';
import { businessClockDecider, BusinessClockEvent, currentDate, daysToStart, clockStream } from './domain/business-clock.decider';
import { fold } from '../shared-kernel/decider';
import { deterministicUuid } from '../shared-kernel/ids';
import { TenantView } from '../tenancy/domain';
import { EventStore } from '../platform/event-store/event-store.port';
import { ReadYourWrites } from '../platform/app/read-your-writes';
import { ParkedEvent, ParkedEvents } from '../platform/subscriptions/parked-events';

/** The date a tenant's clock shows, from its clock stream (the source of truth, ahead of any read model). */
export async function clockDate(events: EventStore, tenant: TenantView): Promise<string> {
  const history = (await events.readStream(clockStream(tenant.id))).map(toDomainEvent) as BusinessClockEvent[];
  return currentDate(fold(businessClockDecider, history), tenant.createdOn);
}

export interface StartedDay {
  date: string;
  position: number;
  /** False when the day had been started already (a parallel or repeated advance): this call only waited for it. */
  startedHere: boolean;
}

/**
 * Starts each business day after the clock's date up to `target`, in order, calling `afterEach` once a
 * day has started (the sandbox clock settles there). Each day's command id derives from the tenant and
 * the date, so a repeated or resumed advance never starts a day twice.
 */
export async function startBusinessDays(
  bus: CommandBus,
  events: EventStore,
  tenant: TenantView,
  target: string,
  context: Omit<CommandContext, 'commandId' | 'businessDate' | 'tenantId'>,
  afterEach: (day: StartedDay) => Promise<void> = async () => undefined,
): Promise<StartedDay[]> {
  const started: StartedDay[] = [];
  for (const date of daysToStart(await clockDate(events, tenant), target)) {
    const commandId = deterministicUuid(tenant.id, 'business-day', date);
    const outcome = await bus.execute<StartBusinessDayCommand, CommandOutcome<StartedBusinessDay>>(
      new StartBusinessDayCommand({ tenantId: tenant.id, date, initialDate: tenant.createdOn }, { ...context, tenantId: tenant.id, commandId, businessDate: date }),
    );
    const day = { date, position: outcome.position, startedHere: outcome.body.started };
    started.push(day);
    await afterEach(day);
  }
  return started;
}

export class SettleTimeoutError extends Error {}

/** A consumer parked one of the tenant's events: its days cannot settle until an operator's retry handles it. */
export class ParkedEventsError extends Error {
  constructor(readonly parked: ParkedEvent[]) {
    const first = parked[0];
    super(
      `${first.consumer} could not handle ${first.eventType} at log position ${first.position} of this tenant (${first.error})` +
        (parked.length > 1 ? `, and ${parked.length - 1} more consumer(s) have parked events` : '') +
        `; once the cause is fixed, POST /v1/admin/parked-events/${first.consumer}/${first.tenantId}/retry (admin key)`,
    );
  }
}

/**
 * A day has settled when every projector and process manager has caught up with the log, and nothing
 * appended since then belongs to the tenant (what the day caused has been caused). Other tenants'
 * traffic does not hold a sandbox back. A consumer goes past a tenant's parked event (the tenant's later
 * events wait behind it), so reaching the position is not enough: a parked event of the tenant stops it.
 */
export async function settle(
  events: EventStore,
  consumers: ReadYourWrites,
  parkedEvents: ParkedEvents,
  tenantId: string,
  from: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let position = Math.max(from, await events.headPosition());
  for (;;) {
    const caughtUp = await consumers.waitForEverything(position, Math.max(0, deadline - Date.now()));
    const parked = await parkedEvents.list({ tenantId });
    if (parked.length > 0) throw new ParkedEventsError(parked);
    if (!caughtUp) throw new SettleTimeoutError(`the effects of the business day did not settle within ${timeoutMs} ms`);
    // The store's index on the tenant answers this; the day's events are not read again.
    const later = await events.lastTenantPosition(tenantId, position);
    if (later === null) return;
    position = later;
  }
}

