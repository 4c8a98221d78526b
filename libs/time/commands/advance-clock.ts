import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { CommandHandler, ICommandHandler, CommandBus } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { AppConfig, APP_CONFIG } from '../../platform/config/config';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { ReadYourWrites } from '../../platform/app/read-your-writes';
import { clockDate, ParkedEventsError, settle, SettleTimeoutError, startBusinessDays } from '../business-days';
import { ParkedEvents } from '../../platform/subscriptions/parked-events';
import { compareDates, daysBetween, INPUT_DATE_RANGE, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { ConflictError, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { FaultInjector } from '../../platform/process-manager-runtime/faults';

/** Ten years a call: long enough for any test, short enough to keep one request bounded. */
export const MAX_ADVANCE_DAYS = 3660;

export class AdvanceClockDto {
  @ApiProperty({
    example: '2019-03-22',
    description: `The date to move the sandbox tenant's clock to (YYYY-MM-DD, ${INPUT_DATE_RANGE.from} to ${INPUT_DATE_RANGE.to})`,
  })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date as YYYY-MM-DD' })
  to: string;
}

export interface AdvancedClock {
  businessDate: string;
  /** Business days started by this call (0 when the clock already showed `to`; a day a parallel call started is not counted). */
  days: number;
}

/** One business day started and settled by an advance: the `day`-th of `of`. */
export interface DaySettled {
  businessDate: string;
  day: number;
  of: number;
}

export class AdvanceClockCommand extends Command<
  { tenant: TenantView; to: string; onDaySettled?: (progress: DaySettled) => void },
  Pick<CommandContext, 'actor' | 'correlationId' | 'causationId'>
> {}

/**
 * Moves a sandbox tenant's clock day by day: each day starts (one BusinessDayStarted) and settles (every
 * projector and process manager has caught up with everything it caused) before the next one starts.
 * An interrupted advance resumes where it stopped when called again.
 */
@CommandHandler(AdvanceClockCommand)
export class AdvanceClockHandler implements ICommandHandler<AdvanceClockCommand, CommandOutcome<AdvancedClock>> {
  constructor(
    private readonly bus: CommandBus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly consumers: ReadYourWrites,
    private readonly faults: FaultInjector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ParkedEvents) private readonly parked: ParkedEvents,
  ) {}

  async execute({ data: { tenant, to, onDaySettled }, context }: AdvanceClockCommand): Promise<CommandOutcome<AdvancedClock>> {
    if (!tenant.sandbox) {
      throw new RuleViolationError("Only a sandbox tenant's clock can be advanced; a production tenant follows the system clock", [
        { field: 'to', rule: 'sandboxOnly', message: 'the tenant is not a sandbox' },
      ]);
    }
    const target = parseCalendarDate(to, 'to');
    const current = await clockDate(this.events, tenant);
    if (compareDates(target, current) < 0) {
      throw new RuleViolationError(`The clock cannot go back: it shows ${current}`, [
        { field: 'to', rule: 'notBeforeBusinessDate', message: `to must be on or after ${current}` },
      ]);
    }
    if (daysBetween(current, target) > MAX_ADVANCE_DAYS) {
      throw InvalidInputError.forField('to', 'maxDays', `advance at most ${MAX_ADVANCE_DAYS} days per call (the clock shows ${current})`);
    }
    try {
      await this.settle(tenant.id, 0); // effects of an earlier, interrupted advance finish before the next day starts
      const from = await clockDate(this.events, tenant);
      const of = daysBetween(from, target);
      let settledDays = 0;
      const started = await startBusinessDays(this.bus, this.events, tenant, target, context, async (day) => {
        this.faults.pass('after-business-day');
        await this.settle(tenant.id, day.position);
        onDaySettled?.({ businessDate: day.date, day: ++settledDays, of });
      });
      const position = started.length > 0 ? started[started.length - 1].position : 0;
      // Days this call started: parallel advances to the same date share the days out (found item 8 of issue 15).
      return { body: { businessDate: target, days: started.filter((day) => day.startedHere).length }, position };
    } catch (error) {
      if (error instanceof ParkedEventsError) {
        const message = `The business day cannot settle: ${error.message}. The clock shows ${await clockDate(this.events, tenant)}; call again to resume`;
        throw new ConflictError(message, [{ field: 'to', rule: 'noParkedEvents', message: error.message }]);
      }
      if (error instanceof SettleTimeoutError) {
        throw new ServiceUnavailableException(`${error.message}; the clock shows ${await clockDate(this.events, tenant)}: call again to resume`);
      }
      throw error;
    }
  }

  private settle(tenantId: string, from: number): Promise<void> {
    return settle(this.events, this.consumers, this.parked, tenantId, from, this.config.settleTimeoutMs);
  }
}
