import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { receivablesDecider, receivablesStream } from '../../payments/domain';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner, toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { Decider, fold } from '../../shared-kernel/decider';
import {
  completionReason,
  InstallmentScheduleCommand,
  installmentScheduleDecider,
  InstallmentScheduleEvent,
  InstallmentScheduleState,
  installmentScheduleStream,
} from '../domain';

/**
 * Money settled a receivable of schedule `scheduleId` (the installment-completion process manager): complete it if it
 * is now paid off or written off. Body: the reason it completed with, or null when it did not (now or already).
 */
export class CompleteSettledInstallmentScheduleCommand extends Command<{ scheduleId: string }> {}

@CommandHandler(CompleteSettledInstallmentScheduleCommand)
export class CompleteSettledInstallmentScheduleHandler implements ICommandHandler<CompleteSettledInstallmentScheduleCommand, CommandOutcome<{ completed: string | null }>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { scheduleId }, context }: CompleteSettledInstallmentScheduleCommand): Promise<CommandOutcome<{ completed: string | null }>> {
    const stream = installmentScheduleStream(context.tenantId, scheduleId);
    const schedule = fold(installmentScheduleDecider, (await this.events.readStream(stream)).map(toDomainEvent) as InstallmentScheduleEvent[]);
    if (schedule === null || schedule.status !== 'active') return { body: { completed: null }, position: 0 };
    // The ledger from its stream (money is never read from a lagging read model). Read after the schedule: a row
    // billed meanwhile is seen by the decide below (unbilled: not complete) and its posting triggers another check.
    const ledger = fold(receivablesDecider, (await this.events.readStream(receivablesStream(context.tenantId, schedule.header.accountId))).map(toDomainEvent) as never[]);
    const on = context.businessDate;
    // Decided on the schedule's state as the runner loads it (again after a conflict): a cancellation that won the race
    // leaves nothing to complete instead of a 422.
    const completing: Decider<InstallmentScheduleCommand, InstallmentScheduleEvent, InstallmentScheduleState> = {
      ...installmentScheduleDecider,
      decide(_command, state) {
        const reason = completionReason(state, ledger.items);
        return reason === null ? [] : installmentScheduleDecider.decide({ type: 'CompleteInstallmentSchedule', data: { scheduleId, reason, on } }, state);
      },
    };
    const outcome = await this.runner.run(completing, stream, { type: 'CompleteInstallmentSchedule', data: { scheduleId, reason: 'paidOff', on } }, context);
    const done = outcome.written.find((event) => event.type === 'InstallmentScheduleCompleted');
    return { body: { completed: done?.type === 'InstallmentScheduleCompleted' ? done.data.reason : null }, position: outcome.position };
  }
}
