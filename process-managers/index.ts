import { ProcessManager } from '../libs/process-manager-runtime/process-manager';
import { contactRemindersProcessManager } from './contact-reminders.process-manager';
import { timersProcessManager } from './timers.process-manager';
import { billRunProcessManager } from './bill-run.process-manager';
import { poolRatingProcessManager } from './pool-rating.process-manager';

/** Every process manager of the product; the worker runs them from their checkpoints. */
export const allProcessManagers: ProcessManager[] = [timersProcessManager, contactRemindersProcessManager, billRunProcessManager, poolRatingProcessManager];
