import { BoundedContext } from '../platform/app/bounded-context';
import { timeTravelProvider } from './time-travel.provider';
import { AuditAdminController } from './queries/audit.admin-controller';

/**
 * Audit (issue 21, Must haves 3 and 5; decision 0020): time travel for the read routes of the other contexts
 * (`?asOf`, `?asOfPosition`) and the recompute-everything audit with the tenant's hash chain. It builds on every
 * other context, so it comes last.
 */
export const auditContext: BoundedContext = {
  name: 'audit',
  queryControllers: [AuditAdminController],
  // Read routes of other contexts inject TimeTravel: it is the core's, in every app.
  coreProviders: [timeTravelProvider],
};
