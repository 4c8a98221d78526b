import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner, RunOptions } from '../../platform/command-pipeline/decider-runner';
import { parseCalendarDate } from '../../shared-kernel/calendar-date';
import { InvalidInputError } from '../../shared-kernel/errors';
import { CreateInstallmentSchedule, installmentInvoiceId, installmentScheduleDecider, InstallmentScheduleState, installmentScheduleStream } from '../domain';
import { InstallmentScheduleView, scheduleViewOf } from '../read-model';

/*
 * The installment schedule's commands (DOMAIN.md §10). Creating one is the order's handler's (it places the order,
 * then sends CreateInstallmentSchedule); invoicing a row is the installments process manager's; cancelling is an
 * operator's (POST /v1/installment-schedules/{id}/cancel). Each runs installmentScheduleDecider on the schedule's
 * stream; every one of them repeated decides nothing.
 */

/**
 * A schedule's stream is written by the order's request and, within moments, by the process managers (the creation
 * repeated as a safety net, the rows due at once invoiced): its folded state is kept between those commands
 * (`cache`), so its thirteen-odd events are read and folded once rather than on every command.
 */
export const SCHEDULE_RUN: RunOptions = { cache: true };

/** The domain command's data, as the order's handler computed it (the term parsed, the dates gathered). */
export class CreateInstallmentScheduleCommand extends Command<CreateInstallmentSchedule['data']> {}
/** Row `number` reached its invoice date: it is billed on receivable `installmentInvoiceId(scheduleId, number)`. */
export class InvoiceInstallmentCommand extends Command<{ scheduleId: string; number: number }> {}
/** `effective`: "now" (the business date) or a date from today on. */
export class CancelInstallmentScheduleCommand extends Command<{ scheduleId: string; effective: unknown }> {}

export class CancelInstallmentScheduleDto {
  @ApiProperty({ example: 'now', description: '"now" (the business date) or a date YYYY-MM-DD from today on' })
  @IsOptional()
  effective: unknown;
}

@CommandHandler(CreateInstallmentScheduleCommand)
export class CreateInstallmentScheduleHandler implements ICommandHandler<CreateInstallmentScheduleCommand, CommandOutcome<InstallmentScheduleView>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data, context }: CreateInstallmentScheduleCommand): Promise<CommandOutcome<InstallmentScheduleView>> {
    const outcome = await this.runner.run(installmentScheduleDecider, installmentScheduleStream(context.tenantId, data.scheduleId), { type: 'CreateInstallmentSchedule', data }, context, SCHEDULE_RUN);
    return { body: scheduleViewOf(existing(outcome.state)), position: outcome.position };
  }
}

@CommandHandler(InvoiceInstallmentCommand)
export class InvoiceInstallmentHandler implements ICommandHandler<InvoiceInstallmentCommand, CommandOutcome<null>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { scheduleId, number }, context }: InvoiceInstallmentCommand): Promise<CommandOutcome<null>> {
    const invoiceId = installmentInvoiceId(scheduleId, number);
    const outcome = await this.runner.run(installmentScheduleDecider, installmentScheduleStream(context.tenantId, scheduleId), { type: 'InvoiceInstallment', data: { scheduleId, number, invoiceId } }, context, SCHEDULE_RUN);
    return { body: null, position: outcome.position };
  }
}

@CommandHandler(CancelInstallmentScheduleCommand)
export class CancelInstallmentScheduleHandler implements ICommandHandler<CancelInstallmentScheduleCommand, CommandOutcome<InstallmentScheduleView>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { scheduleId, effective: raw }, context }: CancelInstallmentScheduleCommand): Promise<CommandOutcome<InstallmentScheduleView>> {
    const requestedOn = context.businessDate;
    const effective = raw === 'now' ? requestedOn : parseEffective(raw);
    const outcome = await this.runner.run(
      installmentScheduleDecider,
      installmentScheduleStream(context.tenantId, scheduleId),
      { type: 'CancelInstallmentSchedule', data: { scheduleId, effective, requestedOn } },
      context,
      SCHEDULE_RUN,
    );
    return { body: scheduleViewOf(existing(outcome.state)), position: outcome.position };
  }
}

function parseEffective(raw: unknown): string {
  if (raw === undefined || raw === null) throw InvalidInputError.forField('effective', 'required', 'effective is required: "now" or a date YYYY-MM-DD from today on');
  if (typeof raw !== 'string') throw InvalidInputError.forField('effective', 'nowOrDate', `effective must be "now" or a date YYYY-MM-DD (got ${JSON.stringify(raw)})`);
  return parseCalendarDate(raw, 'effective');
}

function existing(state: InstallmentScheduleState): NonNullable<InstallmentScheduleState> {
  if (state === null) throw new Error('the installment schedule command succeeded but left no schedule'); // decide guarantees it
  return state;
}
