import { randomUUID } from 'node:crypto';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { assertValidId, deterministicUuid } from '../../shared-kernel/ids';
import { ReceivablesCommand, receivablesDecider, ReceivablesEvent, ReceivablesState, receivablesStream } from '../domain';

/*
 * What the receivables routes share. Values are checked by the domain (libs/payments/domain), which names the
 * field and the rule; the DTOs list the fields (unknown ones are refused) and describe them for OpenAPI.
 */

export interface Decided {
  state: ReceivablesState;
  events: ReceivablesEvent[];
  position: number;
}

/** Runs a command on the account's receivables ledger, or only previews it (`doWrite: false`): the same state either way. */
export async function decideReceivables(
  runner: DeciderRunner,
  tenantId: string,
  accountId: string,
  command: ReceivablesCommand,
  context: CommandContext,
  doWrite: unknown,
): Promise<Decided> {
  const stream = receivablesStream(tenantId, accountId);
  const outcome = doWrite === false ? await runner.preview(receivablesDecider, stream, command) : await runner.run(receivablesDecider, stream, command, context);
  return { state: outcome.state, events: outcome.events, position: outcome.position };
}

/**
 * The id of what a request creates: the client's own (`id`), else one derived from the Idempotency-Key (a repeat
 * after a crash finds its own), else a new one. A preview without either shows an id the commit will not reuse:
 * pass `id` for a preview whose answer equals the commit's.
 */
export function newId(kind: string, given: unknown, context: CommandContext): string {
  if (given !== undefined) {
    assertValidId(given, 'id');
    return given;
  }
  if (context.idempotencyKey !== undefined) return deterministicUuid(context.tenantId, kind, 'key', context.idempotencyKey);
  return randomUUID();
}
