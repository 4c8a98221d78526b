export type { BusinessClockEvent } from './business-clock.decider';
export { clockStream } from './business-clock.decider';
