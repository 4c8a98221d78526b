export { inRanges } from './pool-membership';
