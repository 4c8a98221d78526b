import { Projector } from '../../platform/projection-runner/projector';
import { timersProjection } from './timers.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [timersProjection];
