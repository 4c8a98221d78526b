export { PLAN_INSTANCES, PlanInstanceDoc } from './plan-instances.projection';
