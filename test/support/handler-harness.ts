import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { CoreModule } from '../../apps/core.module';
import { CommandHandlersModule } from '../../apps/command-handlers.module';
import { allProjectors } from '../../apps/contexts';
import { FixedClock } from '../../libs/platform/clock/clock';
import { loadConfig } from '../../libs/platform/config/config';
import { Command, CommandOutcome } from '../../libs/platform/command-pipeline/command';
import { CommandContext } from '../../libs/platform/command-pipeline/command-context';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../libs/platform/event-store/event-store.port';
import { projectBatch } from '../../libs/platform/projection-runner/project-batch';
import { PmCommand, ProcessManager } from '../../libs/platform/process-manager-runtime/process-manager';
import { READ_STORE, ReadStore } from '../../libs/platform/read-store/read-store.port';
import { deterministicUuid } from '../../libs/shared-kernel/ids';
import { DEFAULT_TENANT_SETTINGS, tenantStream, TenantView } from '../../libs/tenancy/domain/tenant.decider';

/** An event as a spec writes it: where it goes, its type and data (ids and metadata are filled in). */
export interface GivenEvent {
  stream: string;
  type: string;
  data: Record<string, unknown>;
}

/** An event a command appended, as a spec compares it. */
export interface ThenEvent {
  stream: string;
  type: string;
  data: Record<string, unknown>;
}

@Module({ imports: [CommandHandlersModule] })
class HandlersUnderTest {}

/**
 * Handler-level specs: given events in the log (and the read models projected from them), when a command is
 * sent through the CommandBus, then these events were appended and this was answered. Every handler of every
 * context is registered, as in the apps, on a temporary SQLite data folder; nothing listens on HTTP and no
 * projector or process manager runs on its own: `given` and `when` project what was appended, synchronously.
 */
export class HandlerHarness {
  private projectedThrough = 0;
  private commands = 0;

  private constructor(
    private readonly app: INestApplicationContext,
    private readonly dataDir: string,
    readonly events: EventStore,
    readonly store: ReadStore,
    readonly bus: CommandBus,
    readonly tenant: TenantView,
  ) {}

  static async start(options: { businessDate?: string; tenant?: Partial<TenantView> } = {}): Promise<HandlerHarness> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'handler-spec-'));
    const config = loadConfig({ DATA_DIR: dataDir, BILLING_ADMIN_KEY: 'handler-spec-admin', LOG_LEVEL: 'silent', PROJECTORS: 'inline' });
    const businessDate = options.businessDate ?? '2019-02-10';
    const app = await NestFactory.createApplicationContext(
      {
        module: class HarnessRoot {},
        imports: [
          CoreModule.forRoot({ config, clock: new FixedClock(new Date(`${businessDate}T12:00:00Z`)), logger: pino({ level: 'silent' }), print: () => undefined }),
          HandlersUnderTest,
        ],
      },
      { logger: false },
    );
    const tenant: TenantView = {
      id: 'tenspec',
      name: 'Spec tenant',
      sandbox: true,
      businessDate,
      timeZone: 'UTC',
      createdOn: businessDate,
      settings: { ...DEFAULT_TENANT_SETTINGS },
      ...options.tenant,
    } as TenantView;
    const harness = new HandlerHarness(app, dataDir, app.get(EVENT_STORE), app.get(READ_STORE), app.get(CommandBus), tenant);
    return harness;
  }

  /** The context a command of the spec's tenant carries; its id derives from a counter unless given. */
  context(overrides: Partial<CommandContext> = {}): CommandContext {
    this.commands += 1;
    return {
      tenantId: this.tenant.id,
      actor: 'spec',
      correlationId: `spec-${this.commands}`,
      causationId: `spec-${this.commands}`,
      commandId: deterministicUuid('handler-spec', String(this.commands)),
      businessDate: this.tenant.businessDate ?? '2019-02-10',
      ...overrides,
    };
  }

  /** Appends events as if earlier commands had written them, then projects every read model over them. */
  async given(...events: GivenEvent[]): Promise<void> {
    for (const [index, event] of events.entries()) {
      const tenantId = event.stream.split('-')[1]?.split('.')[0] ?? this.tenant.id;
      await this.events.appendToStream(
        event.stream,
        [
          {
            id: deterministicUuid('given', event.stream, String(this.projectedThrough), String(index)),
            type: event.type,
            data: event.data,
            metadata: { ...this.context(), tenantId },
          },
        ],
        'any',
      );
    }
    await this.project();
  }

  /** The tenant, as created through the tenancy context's events (TenantDirectory and tenant lookups find it). */
  async givenTenant(): Promise<void> {
    await this.given({ stream: tenantStream(this.tenant.id), type: 'TenantCreated', data: { ...this.tenant, apiKeyHash: 'spec-key-hash' } });
  }

  /** Sends the command through the CommandBus; answers its outcome and the events it appended (read models projected). */
  async when<Body>(command: Command<unknown, Partial<CommandContext>>): Promise<{ body: Body; position: number; events: ThenEvent[] }> {
    const before = await this.events.headPosition();
    const outcome = await this.bus.execute<Command<unknown, Partial<CommandContext>>, CommandOutcome<Body>>(command);
    const appended = await this.events.readAll({ after: before, maxCount: 10_000 });
    await this.project();
    return { ...outcome, events: appended.map(toThen) };
  }

  /** The commands a process manager issues for a recorded event, over the read models as they stand (given/when). */
  async react(pm: ProcessManager, event: RecordedEvent): Promise<PmCommand[]> {
    const reaction = await pm.react(event, { store: this.store, readModelsAt: async () => undefined });
    if (Array.isArray(reaction)) return reaction;
    const commands: PmCommand[] = [];
    for await (const command of reaction as AsyncIterable<PmCommand>) commands.push(command);
    return commands;
  }

  /** Every event in the log, in order (for a process manager's triggering event, or a check of what is there). */
  async log(): Promise<RecordedEvent[]> {
    return this.events.readAll({ after: 0, maxCount: 100_000 });
  }

  async stop(): Promise<void> {
    await this.app.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async project(): Promise<void> {
    const batch: RecordedEvent[] = await this.events.readAll({ after: this.projectedThrough, maxCount: 10_000 });
    if (batch.length === 0) return;
    for (const projector of allProjectors) await projectBatch(projector, batch, this.store);
    this.projectedThrough = batch[batch.length - 1].position;
  }
}

function toThen(event: RecordedEvent): ThenEvent {
  return { stream: event.streamName, type: event.type, data: event.data };
}
