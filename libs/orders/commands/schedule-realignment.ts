import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../../plan-instances/read-model';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { Decider } from '../../shared-kernel/decider';
import {
  AlignedPlanInstance,
  InstallmentScheduleCommand,
  installmentScheduleDecider,
  InstallmentScheduleEvent,
  InstallmentScheduleState,
  installmentScheduleStream,
  notYetInvoiced,
  upcomingInvoiceDates,
} from '../domain';

/**
 * The plan instance an aligned schedule follows was switched to another plan (the installment-realignment process
 * manager, once the read models passed the switch): its installments not billed yet move to the instance's new
 * upcoming invoice dates after the business date (DOMAIN.md §10, seed 002: "the installment payments assume the
 * schedule of the new billing interval"). Body: how many rows moved.
 */
export class RealignInstallmentsCommand extends Command<{ scheduleId: string; planInstanceId: string }> {}

/** The grid of a plan instance as the read model has it (as the order's handler reads it for an aligned order). */
export function alignedPlanInstanceOf(doc: PlanInstanceDoc): AlignedPlanInstance {
  const cancelled = doc.status === 'cancelled';
  return {
    anchorDate: doc.anchorDate,
    billDay: doc.billDay,
    billingInterval: doc.billingInterval,
    nextBillDate: cancelled ? null : doc.nextBillDate,
    endsOn: doc.cancelledOn ?? (doc.pendingChange?.kind === 'cancel' ? doc.pendingChange.effectiveDate : null),
  };
}

@CommandHandler(RealignInstallmentsCommand)
export class RealignInstallmentsHandler implements ICommandHandler<RealignInstallmentsCommand, CommandOutcome<{ moved: number }>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { scheduleId, planInstanceId }, context }: RealignInstallmentsCommand): Promise<CommandOutcome<{ moved: number }>> {
    const doc = await this.store.get<PlanInstanceDoc>(PLAN_INSTANCES, context.tenantId, planInstanceId);
    if (doc === null) return { body: { moved: 0 }, position: 0 };
    const instance = alignedPlanInstanceOf(doc);
    const on = context.businessDate;
    // Decided on the schedule as the runner loads it (again after a conflict). Nothing to move: not aligned to this
    // instance, not active, or the instance has too few invoice dates left (it ends first): the rows then stay where
    // they are rather than park the process manager on a 422 (a cancelled plan's schedule is the operator's to cancel).
    const realigning: Decider<InstallmentScheduleCommand, InstallmentScheduleEvent, InstallmentScheduleState> = {
      ...installmentScheduleDecider,
      decide(_command, state) {
        if (state === null || state.status !== 'active' || state.header.scheduleType !== 'aligned' || state.header.planInstanceId !== planInstanceId) return [];
        const moving = notYetInvoiced(state).filter((row) => row.kind === 'installment').length;
        const dates = upcomingInvoiceDates(instance, on, moving);
        if (moving === 0 || dates.length < moving) return [];
        return installmentScheduleDecider.decide({ type: 'RealignInstallments', data: { scheduleId, on, upcomingInvoiceDates: dates } }, state);
      },
    };
    const outcome = await this.runner.run(realigning, installmentScheduleStream(context.tenantId, scheduleId), { type: 'RealignInstallments', data: { scheduleId, on, upcomingInvoiceDates: [] } }, context);
    const realigned = outcome.written.find((event) => event.type === 'InstallmentsRealigned');
    return { body: { moved: realigned?.type === 'InstallmentsRealigned' ? realigned.data.installments.length : 0 }, position: outcome.position };
  }
}
