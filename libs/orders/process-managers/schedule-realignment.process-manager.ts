import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { alignedSchedulesOf } from '../read-model';

/**
 * `installment-realignment` (DOMAIN.md §10; seed 002: "when changing a rate schedule for an aligned installment, the
 * installment payments assume the schedule of the new billing interval"). On PlanSwitched (the event that records a
 * new plan, and with it a new billing interval and a grid re-anchored on the switch date), once the read models have
 * passed it: `RealignInstallments` for every active aligned schedule tied to that plan instance. A switch that keeps
 * the interval keeps the grid, so the dates come out the same and the schedule decides nothing.
 */
export const installmentRealignmentProcessManager: ProcessManager = {
  name: 'installment-realignment',
  eventTypes: ['PlanSwitched'],
  react(recorded, context) {
    return realignments(recorded, context);
  },
};

async function realignments(recorded: RecordedEvent, context: ProcessManagerContext): Promise<PmCommand[]> {
  const { planInstanceId, accountId } = recorded.data as { planInstanceId: string; accountId: string };
  await context.readModelsAt(recorded.position); // the instance's new grid, and every schedule made before the switch
  const commands: PmCommand[] = [];
  for await (const schedule of alignedSchedulesOf(context.store, recorded.metadata.tenantId, planInstanceId)) {
    commands.push({ type: 'RealignInstallments', data: { scheduleId: schedule.id, planInstanceId }, key: `realign:${recorded.id}:${schedule.id}`, lane: accountId });
  }
  return commands;
}
