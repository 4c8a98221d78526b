import { Projector } from '../projection-runner/projector';
import { ProcessManager } from '../process-manager-runtime/process-manager';
import type { HealthCount } from './bounded-context';

/** The product's log consumers, told to the generic parts by the app that composes them (apps/core.module.ts). */
export const CONSUMERS = Symbol('CONSUMERS');

export interface Consumers {
  projectors: readonly Projector[];
  processManagers: readonly ProcessManager[];
  /** The contexts' counts for /health (BoundedContext.healthCounts). */
  healthCounts: readonly HealthCount[];
}
