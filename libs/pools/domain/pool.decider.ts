import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever, Decider, DomainCommand } from '../../shared-kernel/decider';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { Invoice } from '../../plan-instances/domain';
import { PoolSetting } from './pool-membership';
import { PoolEvent, PoolMemberShare, PoolMembers, PoolPriceSource, PoolRatingHeader } from './pool.events';
import { streamName } from '../../shared-kernel/streams';

/**
 * The entity part of a pool's stream name (`usagePool-<tenant>.<owner>/<serviceId>`): ids never contain '/', while
 * both may contain '.', so `<owner>.<serviceId>` could name two pools with one stream.
 */
export function poolStreamEntity(ownerAccountId: string, serviceId: string): string {
  return `${ownerAccountId}/${serviceId}`;
}

/** Set (or reset) the pool from `effectiveDate`; members and source already checked by the caller (`pool-input.ts`). */
export type SetUsagePool = DomainCommand<
  'SetUsagePool',
  { ownerAccountId: string; serviceId: string; currency: string; members: PoolMembers; effectiveDate: CalendarDate; source: PoolPriceSource }
>;
/** Post part `part` of a period's rating (computed by `ratePool` over facts gathered by the caller). */
export type RatePool = DomainCommand<
  'RatePool',
  { ownerAccountId: string; serviceId: string; header: PoolRatingHeader; part: number; members: PoolMemberShare[]; invoices: Invoice[] }
>;
/** Close a period's rating once its parts are posted (with `parts: 0` when the pool used nothing). */
export type PostPoolRating = DomainCommand<'PostPoolRating', { ownerAccountId: string; serviceId: string; header: PoolRatingHeader }>;
export type PoolCommand = SetUsagePool | RatePool | PostPoolRating;

export interface PoolState {
  pool: { ownerAccountId: string; serviceId: string; currency: string; settings: PoolSetting[]; source: PoolPriceSource } | null;
  /** The exclusive end of the last period whose rating was posted: earlier days are closed for the pool. */
  ratedThrough: CalendarDate | null;
  /** The period being rated: its header and the parts already posted. */
  rating: { header: PoolRatingHeader; parts: number[] } | null;
}

export const initialPoolState: PoolState = { pool: null, ratedThrough: null, rating: null };

function decide(command: PoolCommand, state: PoolState): PoolEvent[] {
  switch (command.type) {
    case 'SetUsagePool': {
      const { ownerAccountId, serviceId, currency, members, effectiveDate, source } = command.data;
      if (state.ratedThrough !== null && effectiveDate < state.ratedThrough) {
        const message = `effectiveDate ${effectiveDate} is in a period the pool has already rated (through ${state.ratedThrough}); a pool changes from today on`;
        throw new RuleViolationError(message, [{ field: 'effectiveDate', rule: 'afterRatedPeriod', message }]);
      }
      const current = state.pool;
      const inForce = current?.settings[current.settings.length - 1];
      if (current && inForce && sameMembers(inForce.members, members) && JSON.stringify(current.source) === JSON.stringify(source)) return [];
      return [{ type: 'UsagePoolSet', data: { ownerAccountId, serviceId, currency, members, effectiveDate, source } }];
    }
    case 'RatePool': {
      const { ownerAccountId, serviceId, header, part, members, invoices } = command.data;
      if (!state.pool) throw new NotFoundError('Usage pool', poolStreamEntity(ownerAccountId, serviceId));
      if (isPosted(state, header)) return [];
      if (state.rating && state.rating.header.periodStart !== header.periodStart) {
        throw new RuleViolationError(`the pool's rating of the period from ${state.rating.header.periodStart} must be posted before the period from ${header.periodStart} is rated`);
      }
      if (state.rating?.parts.includes(part)) return [];
      if (part < 0 || part >= header.parts) throw new RangeError(`part ${part} is not one of the ${header.parts} parts of the rating`);
      return [{ type: 'PoolRated', data: { ownerAccountId, serviceId, ...header, part, members, invoices } }];
    }
    case 'PostPoolRating': {
      const { ownerAccountId, serviceId, header } = command.data;
      if (!state.pool) throw new NotFoundError('Usage pool', poolStreamEntity(ownerAccountId, serviceId));
      if (isPosted(state, header)) return [];
      const posted = state.rating?.header.periodStart === header.periodStart ? state.rating.parts.length : 0;
      if (posted < header.parts) {
        throw new RuleViolationError(`the pool's rating of the period from ${header.periodStart} has ${posted} of its ${header.parts} parts posted`);
      }
      return [{ type: 'PoolRatingPosted', data: { ownerAccountId, serviceId, ...header } }];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: PoolState, event: PoolEvent): PoolState {
  switch (event.type) {
    case 'UsagePoolSet': {
      const { ownerAccountId, serviceId, currency, members, effectiveDate, source } = event.data;
      // A second setting on one day replaces the first: the later one holds from that day.
      const earlier = (state.pool?.settings ?? []).filter((setting) => setting.effectiveDate < effectiveDate);
      return { ...state, pool: { ownerAccountId, serviceId, currency, settings: [...earlier, { members, effectiveDate }], source } };
    }
    case 'PoolRated': {
      const { ownerAccountId: _o, serviceId: _s, part, members: _m, invoices: _i, ...header } = event.data;
      const parts = state.rating?.header.periodStart === header.periodStart ? state.rating.parts : [];
      return { ...state, rating: { header, parts: [...parts, part] } };
    }
    case 'PoolRatingPosted':
      return { ...state, ratedThrough: event.data.periodEnd, rating: null };
    default:
      return assertNever(event);
  }
}

function isPosted(state: PoolState, header: PoolRatingHeader): boolean {
  return state.ratedThrough !== null && header.periodEnd <= state.ratedThrough;
}

function sameMembers(a: PoolMembers, b: PoolMembers): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const poolDecider: Decider<PoolCommand, PoolEvent, PoolState> = { decide, evolve, initialState: initialPoolState };

/** `usagePool-<tenant>.<owner>/<serviceId>` (see `poolStreamEntity`). */
export function usagePoolStream(tenantId: string, ownerAccountId: string, serviceId: string): string {
  return streamName('usagePool', tenantId, poolStreamEntity(ownerAccountId, serviceId));
}
