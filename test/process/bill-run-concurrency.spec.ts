import { COMMAND_CHUNK_SIZE } from '../../libs/platform/process-manager-runtime/process-manager-consumer';
import { billRunProcessManager } from '../../libs/plan-instances/process-managers/bill-run.process-manager';

describe('bill-run process manager', () => {
  // One lane per instance, so this is how many BillPlanInstance commands are in flight: a whole chunk, whose
  // appends then share one event-store group commit (and its projections one read-store commit). Ids, lanes
  // and the decider are what make the run exactly once; concurrency only sets how many share a commit.
  it('runs a whole chunk of commands at once', () => {
    expect(billRunProcessManager.concurrency).toBe(COMMAND_CHUNK_SIZE);
  });
});
