/**
 * Who did it, as the API shows it (API.md "Audit"; decision 0018). The log keeps `metadata.actor` as the string
 * the command pipeline has always written (`tenant-key:<hash12>`, `admin-key:<hash12>`, `customer:<userId>`,
 * `process-manager:<name>`, `webhooks`, `email`, `system`, `scheduler`, optionally `<X-Actor name> (<one of
 * those>)`): old events are never rewritten, and every answer that shows metadata turns the string into an
 * object here. Pure: no I/O, the same answer for the same metadata.
 */

export type ActorType = 'apiKey' | 'admin' | 'customer' | 'system';

export interface Actor {
  type: ActorType;
  /** The API key's hash prefix, the admin key's, the customer user id, or the system part's name. */
  id: string;
  /** The operator's own name, when the request named one in `X-Actor`. */
  name?: string;
}

/** The metadata fields an audit answer shows, with the actor as an object. */
export interface AuditMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string;
  reason?: string;
}

const PRINCIPAL_PREFIXES: readonly [string, ActorType][] = [
  ['tenant-key:', 'apiKey'],
  ['admin-key:', 'admin'],
  ['customer:', 'customer'],
  ['process-manager:', 'system'],
];

/** `<name> (<principal>)`: the form request-context writes when X-Actor names the operator. */
const NAMED = /^(.*) \(([^()]+)\)$/s;

/** The actor of an event's metadata. A string of no known form reads as a system actor of that name. */
export function actorOf(metadata: { actor?: unknown }): Actor {
  return parseActor(metadata.actor);
}

export function parseActor(actor: unknown): Actor {
  if (isActor(actor)) return actor;
  if (typeof actor !== 'string' || actor.length === 0) return { type: 'system', id: 'unknown' };
  const named = NAMED.exec(actor);
  if (named) {
    const principal = principalOf(named[2]);
    if (principal) return { ...principal, name: named[1] };
  }
  return principalOf(actor) ?? { type: 'system', id: actor };
}

function principalOf(text: string): Actor | undefined {
  for (const [prefix, type] of PRINCIPAL_PREFIXES) {
    if (text.startsWith(prefix) && text.length > prefix.length) return { type, id: text.slice(prefix.length) };
  }
  if (text === 'anonymous') return { type: 'system', id: 'anonymous' };
  return undefined;
}

function isActor(value: unknown): value is Actor {
  if (typeof value !== 'object' || value === null) return false;
  const { type, id } = value as { type?: unknown; id?: unknown };
  return (type === 'apiKey' || type === 'admin' || type === 'customer' || type === 'system') && typeof id === 'string';
}

/** The audit part of an event's metadata as the API shows it: actor object, correlation, causation, reason if any. */
export function auditMetadataOf(metadata: { actor?: unknown; correlationId?: unknown; causationId?: unknown; reason?: unknown }): AuditMetadata {
  const audit: AuditMetadata = {
    actor: actorOf(metadata),
    correlationId: String(metadata.correlationId ?? ''),
    causationId: String(metadata.causationId ?? ''),
  };
  if (typeof metadata.reason === 'string') audit.reason = metadata.reason;
  return audit;
}
