import { Inject } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderOutcome, DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { TenantView } from '../../tenancy/domain';
import { parseSingleUsage, parseUsageBatch, UsageRecordInput } from '../domain/usage-record';
import { AcceptedUsage, checkUsageRules } from '../domain/usage-rules';
import { monthOf, RecordUsage, UsageEvent, UsageRecord, usageDecider, usageStreamEntity, UsageState, usageStream } from '../domain/usage.decider';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { UsageFactsLoader } from './usage-facts';

/** The answer of POST /v1/usage: the record as understood (quantity normalised, occurrence as a business date). */
export interface RecordedUsageView {
  accepted: 0 | 1;
  duplicates: 0 | 1;
  record: { accountId: string; serviceId: string; quantity: string; occurredOn: string; idempotencyKey: string; late: boolean };
}

export interface UsageBatchView {
  accepted: number;
  duplicates: number;
}

/*
 * `@Allow()` only lists the fields, so the global ValidationPipe refuses unknown ones on a single record (400
 * unknownField); the values, and every record of a batch, are checked by the domain (libs/usage/domain), which
 * names each field with its index (`records[3].quantity`).
 */
export class UsageRecordDto {
  @ApiProperty({ example: 'acme', description: 'An account of the tenant' })
  @Allow()
  accountId: string;

  @ApiProperty({ example: 'data', description: 'A usage service of a plan held by an active plan instance of the account' })
  @Allow()
  serviceId: string;

  @ApiProperty({ example: '12.5', description: 'A decimal string more than 0, at most 10 decimals; no exponent, not a JSON number' })
  @Allow()
  quantity: string;

  @ApiProperty({
    example: '2026-11-03T14:05:00Z',
    description:
      "YYYY-MM-DD (a business date), or an ISO 8601 instant with an offset, taken as the date it was in the tenant's time zone. " +
      'Not after today; not in a closed billing period unless the tenant allows late usage.',
  })
  @Allow()
  occurredAt: string;

  @ApiProperty({
    example: 'cdr-2026-11-03-000123',
    description: '1–255 characters, unique per account and month of occurrence: a repeated key is a duplicate, counted and not recorded again',
  })
  @Allow()
  idempotencyKey: string;
}

export class UsageBatchDto {
  @ApiProperty({ type: [UsageRecordDto], description: '1 to 10,000 usage records, of any accounts of the tenant' })
  @Allow()
  records: unknown;
}

export class RecordUsageCommand extends Command<{ input: unknown; kind: 'single' | 'batch'; tenant: TenantView }> {}

/**
 * Usage recording, one record or a batch. The whole request is checked first: the input (400, every bad
 * record with its index), the accounts (404), the rules (422); nothing is written unless every record passes.
 * The records are then grouped by stream (account and month of occurrence), each group is decided, and all
 * groups are appended together (`runMany`): on SQLite in one transaction, so a crash mid-request leaves the
 * whole batch or none of it; on KurrentDB stream by stream, and a retry with the same keys completes a cut
 * batch (its records already written count as duplicates). A record whose
 * idempotency key its stream already holds, or that repeats one of the same request, is a duplicate.
 *
 * The runner is this handler's own, with the stream cache on: the state of a busy account-month (its keys)
 * stays in memory between requests, only newer events are read, and this process's requests on one stream
 * queue instead of conflicting. Its own, so a usage feed over thousands of accounts does not evict the
 * hierarchy's cached state from the shared runner.
 */
@CommandHandler(RecordUsageCommand)
export class RecordUsageHandler implements ICommandHandler<RecordUsageCommand, CommandOutcome<RecordedUsageView | UsageBatchView>> {
  private readonly runner: DeciderRunner;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    private readonly facts: UsageFactsLoader,
  ) {
    this.runner = new DeciderRunner(events);
  }

  async execute({ data: { input, kind, tenant }, context }: RecordUsageCommand): Promise<CommandOutcome<RecordedUsageView | UsageBatchView>> {
    const records: UsageRecordInput[] = kind === 'single' ? [parseSingleUsage(input, tenant.timeZone)] : parseUsageBatch(input, tenant.timeZone);
    const fieldOf = kind === 'single' ? (_index: number, field: string) => field : (index: number, field: string) => `records[${index}].${field}`;
    const accepted = checkUsageRules(records, await this.facts.load(tenant, context.businessDate, records), fieldOf);

    const targets = [...byStream(accepted).values()].map((command) => ({
      stream: usageStream(tenant.id, command.data.accountId, command.data.month),
      command,
    }));
    const outcomes = await this.runner.runMany(usageDecider, targets, context, { cache: true });
    const written = outcomes.reduce((sum, outcome) => sum + recordsIn(outcome), 0);
    const position = outcomes.reduce((max, outcome) => Math.max(max, outcome.position), 0);
    if (kind === 'batch') return { body: { accepted: written, duplicates: records.length - written }, position };
    const { accountId, serviceId, quantity, occurredOn, idempotencyKey, late } = accepted[0];
    return {
      body: { accepted: written === 1 ? 1 : 0, duplicates: written === 1 ? 0 : 1, record: { accountId, serviceId, quantity, occurredOn, idempotencyKey, late } },
      position,
    };
  }
}

/** One RecordUsage per stream, records in request order. */
function byStream(records: readonly AcceptedUsage[]): Map<string, RecordUsage> {
  const commands = new Map<string, RecordUsage>();
  for (const { accountId, serviceId, quantity, occurredOn, idempotencyKey, late } of records) {
    const month = monthOf(occurredOn);
    const key = usageStreamEntity(accountId, month);
    let command = commands.get(key);
    if (!command) {
      command = { type: 'RecordUsage', data: { accountId, month, records: [] } };
      commands.set(key, command);
    }
    const record: UsageRecord = late ? { serviceId, quantity, occurredOn, idempotencyKey, late: true } : { serviceId, quantity, occurredOn, idempotencyKey };
    command.data.records.push(record);
  }
  return commands;
}

/** Records this command wrote: none when every one was a duplicate, or when the same command id had already written them. */
function recordsIn(outcome: DeciderOutcome<UsageState, UsageEvent>): number {
  return outcome.events.reduce((sum, event) => sum + event.data.records.length, 0);
}
