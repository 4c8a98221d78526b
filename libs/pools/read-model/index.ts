import { Projector } from '../../platform/projection-runner/projector';
import { usagePoolsProjection } from './usage-pools.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [usagePoolsProjection];

export { PoolCoverage } from './pool-coverage';
