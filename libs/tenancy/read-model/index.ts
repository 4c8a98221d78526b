export { TENANTS } from './tenants.projection';
