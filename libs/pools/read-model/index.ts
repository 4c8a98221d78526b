export { PoolCoverage } from './pool-coverage';
