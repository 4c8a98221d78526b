export type { BusinessClockEvent } from './business-clock.decider';
