import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { addDays } from '../../shared-kernel/calendar-date';
import { fold } from '../../shared-kernel/decider';
import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId, deterministicUuid } from '../../shared-kernel/ids';
import { timeContext } from '../../time';
import {
  endpointWants,
  isPublished,
  legacyWebhookDeliveryStream,
  webhookDeliveryDecider,
  webhookDeliveryStream,
  webhookEndpointDecider,
  webhookEndpointStream,
} from '../domain';
import { WebhookDeliverer } from '../delivery/webhook-deliverer';

interface DeliveryTarget {
  endpointId: string;
  eventId: string;
  eventType: string;
  position: number;
  occurredAt: string;
}

/** Issued by the webhook-delivery process manager, once per published event and matching endpoint. */
export class RequestWebhookDeliveryCommand extends Command<DeliveryTarget> {}
/**
 * Issued by a durable timer: the safety net that resumes a delivery a restart dropped from memory. `position` (the
 * event's) names the delivery's stream; timers scheduled before decision 0031 have none: their delivery is under
 * the legacy name.
 */
export class DeliverWebhookCommand extends Command<{ endpointId: string; eventId: string; position?: number }> {}

export class RedeliverDto {
  @ApiPropertyOptional({ description: 'Ids of events (Billing-Event-Id) to send again, 1 to 100' })
  @IsOptional()
  eventIds?: unknown;

  @ApiPropertyOptional({ example: '2019-02-10', description: "Send again every event of the endpoint's types recorded on or after this date (YYYY-MM-DD) or instant (ISO 8601)" })
  @IsOptional()
  since?: unknown;
}
export class RedeliverWebhooksCommand extends Command<{ tenantId: string; endpointId: string; input: RedeliverDto }> {}

/** At most this many events are sent again by one redeliver call. */
export const MAX_REDELIVER = 10_000;
const MAX_EVENT_IDS = 100;

/**
 * Writes the request, schedules the durable safety-net timer (for a redeliver) and hands the attempts to the
 * deliverer, which does not hold up this command: the process manager's batch (and every other endpoint) goes on at
 * once. A repeat (after a crash) finds the request written and only re-arms the timer and the attempt, which is what
 * was lost.
 */
abstract class DeliveryRequests {
  constructor(
    protected readonly runner: DeciderRunner,
    protected readonly commandBus: CommandBus,
    protected readonly deliverer: WebhookDeliverer,
    protected readonly clock: SystemClock,
  ) {}

  protected async request(tenantId: string, target: DeliveryTarget, reason: 'published' | 'redeliver', context: CommandContext): Promise<number> {
    const stream = reason === 'published' ? webhookDeliveryStream(tenantId, target.endpointId, target.position) : await this.existingStream(tenantId, target);
    const command = { type: 'RequestWebhookDelivery' as const, data: { ...target, reason, at: this.clock.now().toISOString() } };
    // A published event's delivery stream is new but for a repeat (a crash before the checkpoint moved): it is
    // written as new, with no read first, and a repeat's append conflicts and is then run as usual (no-op).
    const outcome =
      reason === 'published'
        ? await this.runner.runFrom(webhookDeliveryDecider, stream, command, context, { state: webhookDeliveryDecider.initialState, revision: -1 })
        : await this.runner.run(webhookDeliveryDecider, stream, command, context);
    if (outcome.state.status === 'pending') {
      // A published event's request is made where the webhook-delivery process manager runs, whose start-up hands
      // back every pending delivery (pending-deliveries.ts): no timer needed, and none written (it was one more
      // commit per delivery). A redeliver may come to a command API alone: its timer resumes it if that process dies.
      if (reason === 'redeliver') await this.armTimer(tenantId, target, outcome.state.round, context);
      // The first attempt starts from the state just written (a repeat's outcome is not the stream's end: it reads).
      const requested = outcome.alreadyApplied ? undefined : { state: outcome.state, revision: outcome.revision };
      this.deliverer.enqueue({ tenantId, endpointId: target.endpointId, eventId: target.eventId, stream, businessDate: context.businessDate }, requested);
    }
    return outcome.position;
  }

  /**
   * The stream of an event's earlier deliveries to the endpoint, for a redeliver or a timer: one from before decision
   * 0031 (named by the event id) if it has one, else the one named by the position. Without a position (a timer
   * armed before 0031), only the legacy one can be meant.
   */
  protected async existingStream(tenantId: string, target: { endpointId: string; eventId: string; position?: number }): Promise<string> {
    const legacy = legacyWebhookDeliveryStream(tenantId, target.endpointId, target.eventId);
    if (target.position === undefined) return legacy;
    const { revision } = await this.runner.stateOf(webhookDeliveryDecider, legacy);
    return revision >= 0 ? legacy : webhookDeliveryStream(tenantId, target.endpointId, target.position);
  }

  /** The next business day, a DeliverWebhook: it attempts again if the delivery is still pending then. */
  protected async armTimer(tenantId: string, target: { endpointId: string; eventId: string; position: number }, round: number, context: CommandContext): Promise<void> {
    const dueDate = addDays(context.businessDate, 1);
    const timerId = `webhook.${target.endpointId}.${target.eventId}.${round}.${dueDate}`;
    const command = { type: 'DeliverWebhook', data: { endpointId: target.endpointId, eventId: target.eventId, position: target.position } };
    const timerContext = { ...context, commandId: deterministicUuid(tenantId, 'webhook-timer', timerId) };
    // The time context's ScheduleTimer, taken from its manifest (its door), as process managers name it.
    const ScheduleTimer = timeContext.commands!.ScheduleTimer;
    await this.commandBus.execute(new ScheduleTimer({ timerId, dueDate, command }, timerContext));
  }
}

@CommandHandler(RequestWebhookDeliveryCommand)
export class RequestWebhookDeliveryHandler extends DeliveryRequests implements ICommandHandler<RequestWebhookDeliveryCommand, CommandOutcome<null>> {
  constructor(runner: DeciderRunner, commandBus: CommandBus, deliverer: WebhookDeliverer, @Inject(SYSTEM_CLOCK) clock: SystemClock) {
    super(runner, commandBus, deliverer, clock);
  }

  async execute({ data, context }: RequestWebhookDeliveryCommand): Promise<CommandOutcome<null>> {
    return { body: null, position: await this.request(context.tenantId, data, 'published', context) };
  }
}

@CommandHandler(DeliverWebhookCommand)
export class DeliverWebhookHandler extends DeliveryRequests implements ICommandHandler<DeliverWebhookCommand, CommandOutcome<null>> {
  constructor(
    runner: DeciderRunner,
    commandBus: CommandBus,
    deliverer: WebhookDeliverer,
    @Inject(SYSTEM_CLOCK) clock: SystemClock,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    super(runner, commandBus, deliverer, clock);
  }

  async execute({ data: { endpointId, eventId, position }, context }: DeliverWebhookCommand): Promise<CommandOutcome<null>> {
    const { tenantId } = context;
    const stream = await this.existingStream(tenantId, { endpointId, eventId, position });
    const state = fold(webhookDeliveryDecider, (await this.events.readStream(stream)) as never[]);
    const endpoint = fold(webhookEndpointDecider, (await this.events.readStream(webhookEndpointStream(tenantId, endpointId))) as never[]);
    // A disabled endpoint's pending deliveries wait for a redeliver; the timer chain stops here.
    if (state.status === 'pending' && endpoint.status === 'enabled') {
      await this.armTimer(tenantId, { endpointId, eventId, position: state.position }, state.round, context);
      this.deliverer.enqueue({ tenantId, endpointId, eventId, stream, businessDate: context.businessDate });
    }
    return { body: null, position: 0 };
  }
}

/** Sends chosen events (or every event of the endpoint's types since a date) again: a new round of each delivery. */
@CommandHandler(RedeliverWebhooksCommand)
export class RedeliverWebhooksHandler extends DeliveryRequests implements ICommandHandler<RedeliverWebhooksCommand, CommandOutcome<{ requested: number; eventIds: string[] }>> {
  constructor(
    runner: DeciderRunner,
    commandBus: CommandBus,
    deliverer: WebhookDeliverer,
    @Inject(SYSTEM_CLOCK) clock: SystemClock,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    super(runner, commandBus, deliverer, clock);
  }

  async execute({ data: { tenantId, endpointId, input }, context }: RedeliverWebhooksCommand) {
    assertValidId(endpointId, 'id');
    const { eventIds, since } = redeliverInput(input);
    const endpoint = fold(webhookEndpointDecider, (await this.events.readStream(webhookEndpointStream(tenantId, endpointId))) as never[]);
    if (endpoint.status === 'none' || endpoint.status === 'deleted') throw new NotFoundError('Webhook endpoint', endpointId);
    if (endpoint.status !== 'enabled') {
      throw new RuleViolationError(`webhook endpoint ${endpointId} is disabled: enable it first`, [{ field: 'id', rule: 'enabled', message: 'only an enabled endpoint is sent events' }]);
    }
    const targets: DeliveryTarget[] = [];
    // Events from before the endpoint existed may be sent too, so the log is read, not the endpoint's deliveries:
    // chosen ids from the start (there is no index by id), `since` from its first position on.
    for (let after = eventIds ? 0 : (await firstPositionSince(this.events, since!)) - 1; targets.length < MAX_REDELIVER; ) {
      const page = await this.events.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      for (const event of page) {
        if (event.metadata.tenantId !== tenantId || !isPublished(event.type)) continue;
        const chosen = eventIds ? eventIds.has(event.id) : endpointWants(endpoint.events, event.type) && event.recordedAt >= since!;
        if (chosen && targets.length < MAX_REDELIVER) targets.push({ endpointId, eventId: event.id, eventType: event.type, position: event.position, occurredAt: event.recordedAt });
      }
      after = page[page.length - 1].position;
    }
    if (eventIds) {
      const found = new Set(targets.map((target) => target.eventId));
      const missing = [...eventIds].find((id) => !found.has(id));
      if (missing) throw new RuleViolationError(`event ${missing} is not a published event of this tenant`, [{ field: 'eventIds', rule: 'publishedEvent', message: `${missing}: no published event of this tenant has this id` }]);
    }
    let position = 0;
    for (const target of targets) {
      const requestContext = { ...context, commandId: deterministicUuid(context.commandId, 'redeliver', target.eventId) };
      position = Math.max(position, await this.request(tenantId, target, 'redeliver', requestContext));
    }
    return { body: { requested: targets.length, eventIds: targets.map((target) => target.eventId) }, position };
  }
}

/**
 * The first log position recorded at or after `since` (head + 1 if none), by binary search: the store stamps each
 * commit with its wall clock, so recordedAt follows the log's order and about log2(head) single-event reads replace
 * reading everything before `since`. (Were the store's clock set back, events recorded after the step but before an
 * earlier-stamped one would be passed over; the filter on recordedAt still holds for what is read.)
 */
export async function firstPositionSince(events: EventStore, since: string): Promise<number> {
  let low = 1;
  let high = (await events.headPosition()) + 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    // The first event at or after `middle` (positions may have gaps on KurrentDB).
    const [event] = await events.readAll({ after: middle - 1, maxCount: 1 });
    if (!event || event.recordedAt >= since) high = middle;
    else low = event.position + 1;
  }
  return low;
}

function redeliverInput(input: RedeliverDto): { eventIds: Set<string> | null; since: string | null } {
  const { eventIds, since } = input;
  if ((eventIds === undefined) === (since === undefined)) {
    throw InvalidInputError.forField('eventIds', 'oneOf', 'give either eventIds (a list of event ids) or since (a date), not both and not neither');
  }
  if (eventIds !== undefined) {
    if (!Array.isArray(eventIds) || eventIds.length === 0 || eventIds.length > MAX_EVENT_IDS || !eventIds.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 64)) {
      throw InvalidInputError.forField('eventIds', 'eventIds', `eventIds must be a list of 1 to ${MAX_EVENT_IDS} event ids (Billing-Event-Id)`);
    }
    return { eventIds: new Set(eventIds as string[]), since: null };
  }
  const instant = typeof since === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(since) ? Date.parse(since) : NaN;
  if (Number.isNaN(instant)) throw InvalidInputError.forField('since', 'dateOrInstant', 'since must be a date (YYYY-MM-DD) or an ISO 8601 instant with an offset');
  return { eventIds: null, since: new Date(instant).toISOString() };
}
