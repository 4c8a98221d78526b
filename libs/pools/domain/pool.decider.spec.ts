import { specFor } from '../../shared-kernel/testing/given-when-then';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { PostPoolRating, poolDecider, RatePool, SetUsagePool } from './pool.decider';
import { PoolEvent, PoolPriceSource, PoolRatingHeader } from './pool.events';

const spec = specFor(poolDecider);
const source: PoolPriceSource = {
  planInstanceId: 'pi-1',
  planId: 'family-plan',
  planVersion: 1,
  serviceName: 'Data',
  pricing: { model: 'perUnit', unitPrice: '1.00' },
  grid: { anchorDate: '2024-01-01', billDay: 1, interval: { unit: 'month', count: 1 } },
};
const set = (members: SetUsagePool['data']['members'] = 'descendants', effectiveDate = '2024-01-01'): SetUsagePool => ({
  type: 'SetUsagePool',
  data: { ownerAccountId: 'family', serviceId: 'gb', currency: 'USD', members, effectiveDate, source },
});
const poolSet = (members: SetUsagePool['data']['members'] = 'descendants', effectiveDate = '2024-01-01'): PoolEvent => ({ type: 'UsagePoolSet', data: set(members, effectiveDate).data });
const header = (parts: number, periodStart = '2024-01-01', periodEnd = '2024-02-01'): PoolRatingHeader => ({
  periodStart,
  periodEnd,
  currency: 'USD',
  totalQuantity: parts === 0 ? '0' : '3',
  amount: parts === 0 ? 0 : 300,
  memberCount: parts === 0 ? 0 : 2,
  parts,
});
const rate = (part: number, h = header(2)): RatePool => ({ type: 'RatePool', data: { ownerAccountId: 'family', serviceId: 'gb', header: h, part, members: [], invoices: [] } });
const rated = (part: number, h = header(2)): PoolEvent => ({ type: 'PoolRated', data: { ownerAccountId: 'family', serviceId: 'gb', ...h, part, members: [], invoices: [] } });
const post = (h = header(2)): PostPoolRating => ({ type: 'PostPoolRating', data: { ownerAccountId: 'family', serviceId: 'gb', header: h } });
const posted = (h = header(2)): PoolEvent => ({ type: 'PoolRatingPosted', data: { ownerAccountId: 'family', serviceId: 'gb', ...h } });

describe('usage pool decider', () => {
  it('sets a pool; setting the same again writes nothing; new members are a new setting', () => {
    spec.given([]).when(set()).then([poolSet()]);
    spec.given([poolSet()]).when(set('descendants', '2024-01-05')).then([]);
    spec.given([poolSet()]).when(set(['kid'], '2024-01-05')).then([poolSet(['kid'], '2024-01-05')]);
  });

  it('a pool cannot change in a period it already rated', () => {
    const error = spec.given([poolSet(), rated(0), rated(1), posted()]).when(set(['kid'], '2024-01-20')).thenThrows(RuleViolationError);
    expect(error.details[0]).toMatchObject({ field: 'effectiveDate', rule: 'afterRatedPeriod' });
  });

  it('rates a period part by part, each part once, then posts it once', () => {
    spec.given([poolSet()]).when(rate(0)).then([rated(0)]);
    spec.given([poolSet(), rated(0)]).when(rate(0)).then([]);
    spec.given([poolSet(), rated(0)]).when(rate(1)).then([rated(1)]);
    spec.given([poolSet(), rated(0), rated(1)]).when(post()).then([posted()]);
    spec.given([poolSet(), rated(0), rated(1), posted()]).when(post()).then([]);
    spec.given([poolSet(), rated(0), rated(1), posted()]).when(rate(1)).then([]);
  });

  it('refuses to post a rating with parts missing, or to rate the next period before this one is posted', () => {
    spec.given([poolSet(), rated(0)]).when(post()).thenThrows(RuleViolationError, /1 of its 2 parts/);
    spec.given([poolSet(), rated(0)]).when(rate(0, header(1, '2024-02-01', '2024-03-01'))).thenThrows(RuleViolationError);
  });

  it('a period the pool used nothing in is posted with no parts (no invoices)', () => {
    spec.given([poolSet()]).when(post(header(0))).then([posted(header(0))]);
  });

  it('rating an unknown pool is an error', () => {
    spec.given([]).when(rate(0)).thenThrows(NotFoundError);
  });
});
