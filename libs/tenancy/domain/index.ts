export { DEFAULT_MAX_RETROACTIVE_PERIODS, DEFAULT_TENANT_SETTINGS, TenantSettings, TenantView } from './tenant.decider';
export {
  BUILT_IN_STATUSES,
  CustomStatus,
  decideRestore,
  decideStatusChange,
  DUNNING_RESOLVED,
  DunningHold,
  holdAfter,
  isBillableStatus,
  isKnownStatus,
  knownStatus,
  knownStatuses,
  StatusChange,
  StatusChangedBy,
  StatusChangeRequest,
  StatusSettings,
} from './statuses';
export { BILL_DATE_RESET_RULES, BillDateReset, DEFAULT_SELF_SERVICE, SelfServiceRules, selfServiceRules } from './tenant-settings';
