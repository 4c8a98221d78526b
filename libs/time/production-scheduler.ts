import type { Logger } from 'pino';
import { CommandBus } from '@nestjs/cqrs';
import { TenantView } from '../tenancy/domain';
import { EventStore } from '../platform/event-store/event-store.port';
import { ReadStore, SYSTEM_TENANT } from '../platform/read-store/read-store.port';
import { TenantDirectory } from '../tenancy';
import { TENANTS } from '../tenancy/read-model';
import { startBusinessDays } from './business-days';

/**
 * Production tenants' business days: on every tick (and at start), each production tenant whose local
 * date has moved on gets one business day per day it missed, in order. A process that was down across
 * several midnights catches up on start; several workers ticking together start each day once.
 */
export class ProductionScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: CommandBus,
    private readonly events: EventStore,
    private readonly store: ReadStore,
    private readonly directory: TenantDirectory,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.running = this.tick();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick());
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Starts the business days every production tenant is missing; returns how many. */
  async tick(): Promise<number> {
    let started = 0;
    try {
      for await (const tenant of this.productionTenants()) {
        const today = this.directory.systemDate(tenant.timeZone);
        const context = { actor: 'scheduler', correlationId: `business-day:${tenant.id}:${today}`, causationId: 'scheduler' };
        started += (await startBusinessDays(this.bus, this.events, tenant, today, context)).length;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'business-day tick failed; the next tick catches up');
    }
    if (started > 0) this.logger.info({ days: started }, 'business days started');
    return started;
  }

  private async *productionTenants(): AsyncGenerator<TenantView> {
    let cursor: string | undefined;
    do {
      const page = await this.store.find<Omit<TenantView, 'id'>>(TENANTS, SYSTEM_TENANT, { filter: { sandbox: false }, limit: 500, cursor });
      for (const { _position, ...tenant } of page.items) yield tenant as TenantView;
      cursor = page.nextCursor;
    } while (cursor);
  }
}
