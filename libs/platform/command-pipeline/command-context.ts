import { EventMetadata } from '../event-store/event-store.port';

/** Who issues a command, on whose behalf, and why: becomes the metadata of every event it writes. */
export interface CommandContext {
  tenantId: string;
  actor: string;
  /** Same for a request and everything it causes downstream. */
  correlationId: string;
  /** The request id, or the id of the event that made a process manager issue the command. */
  causationId: string;
  /** Deterministic when the command carries an idempotency key; a repeated command id is a no-op. */
  commandId: string;
  idempotencyKey?: string;
  /** The tenant's business date at the time the command is handled. */
  businessDate: string;
  /** Why, when the request gave a reason (its body's `reason`): kept in every event's metadata (decision 0018). */
  reason?: string;
}

export function eventMetadata(context: CommandContext): EventMetadata {
  const metadata: EventMetadata = {
    tenantId: context.tenantId,
    commandId: context.commandId,
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: context.actor,
    businessDate: context.businessDate,
  };
  if (context.idempotencyKey !== undefined) metadata.idempotencyKey = context.idempotencyKey;
  if (context.reason !== undefined) metadata.reason = context.reason;
  return metadata;
}
