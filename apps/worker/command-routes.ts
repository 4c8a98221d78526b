import { streamName } from '../../libs/shared-kernel/streams';
import { accountDecider } from '../../libs/accounts';
import { timerDecider } from '../../libs/time';
import { CommandRoute } from '../../libs/platform/process-manager-runtime/command-dispatcher';
import { planInstanceStream } from '../../libs/plan-instances';
import { planInstanceDecider } from '../../libs/plan-instances';
import { poolDecider } from '../../libs/pools';
import { usagePoolStream } from '../../libs/pools';

const timerRoute: CommandRoute = { decider: timerDecider, stream: (tenantId, data) => streamName('timer', tenantId, String(data.timerId)) };

/** The commands process managers and timers may issue, and the aggregate each goes to. */
export const commandRoutes: Record<string, CommandRoute> = {
  ScheduleTimer: timerRoute,
  FireTimer: timerRoute,
  CancelTimer: timerRoute,
  BillPlanInstance: { decider: planInstanceDecider, stream: (tenantId, data) => planInstanceStream(tenantId, String(data.planInstanceId)) },
  RemindIncompleteContact: {
    decider: accountDecider,
    stream: (tenantId, data) => streamName('account', tenantId, String(data.accountId)),
    data: (data, context) => ({ ...data, today: context.businessDate }),
  },
  RatePool: { decider: poolDecider, stream: (tenantId, data) => usagePoolStream(tenantId, String(data.ownerAccountId), String(data.serviceId)) },
  PostPoolRating: { decider: poolDecider, stream: (tenantId, data) => usagePoolStream(tenantId, String(data.ownerAccountId), String(data.serviceId)) },
};
