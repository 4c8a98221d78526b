import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { gridFor } from '../../plan-instances/domain/billing-grid';
import { UsageRecordInput } from './usage-record';
import { checkUsageRules, currentPeriodStart, HeldPlanInstance, poolRatedKey, UsageFacts } from './usage-rules';

const instance = (overrides: Partial<HeldPlanInstance> = {}): HeldPlanInstance => ({
  planInstanceId: 'pi-1',
  startDate: '2019-01-02',
  currentPeriodStart: '2019-02-02',
  usageServiceIds: new Set(['data', 'sms']),
  ...overrides,
});
const facts = (overrides: Partial<UsageFacts> = {}): UsageFacts => ({
  today: '2019-02-10',
  allowLateUsage: false,
  accounts: new Map([
    ['acme', [instance()]],
    ['bare', []],
  ]),
  ...overrides,
});
const usage = (overrides: Partial<UsageRecordInput> = {}): UsageRecordInput => ({
  accountId: 'acme',
  serviceId: 'data',
  quantity: '1',
  occurredOn: '2019-02-05',
  idempotencyKey: 'k',
  ...overrides,
});
const single = (_index: number, field: string) => field;
const inBatch = (index: number, field: string) => `records[${index}].${field}`;

function violations(records: UsageRecordInput[], given = facts()): string[] {
  try {
    checkUsageRules(records, given, inBatch);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolationError);
    return (error as RuleViolationError).details.map((d) => `${d.field}:${d.rule}`);
  }
  return [];
}

describe('Usage rules', () => {
  it('accepts usage of a usage service the account holds, dated in the current period, up to today', () => {
    expect(checkUsageRules([usage(), usage({ occurredOn: '2019-02-10', serviceId: 'sms' })], facts(), single)).toEqual([
      { ...usage(), late: false },
      { ...usage({ occurredOn: '2019-02-10', serviceId: 'sms' }), late: false },
    ]);
    expect(checkUsageRules([usage({ occurredOn: '2019-02-02' })], facts(), single)[0].late).toBe(false);
  });

  it('refuses usage dated after the business date (future)', () => {
    expect(violations([usage({ occurredOn: '2019-02-11' })])).toEqual(['records[0].occurredAt:future']);
  });

  it('refuses a service that is not a usage service of a plan the account holds (serviceExists)', () => {
    expect(violations([usage({ serviceId: 'base' }), usage({ accountId: 'bare' })])).toEqual(['records[0].serviceId:serviceExists', 'records[1].serviceId:serviceExists']);
  });

  it('refuses usage dated before the plan instance started (beforePlanStart)', () => {
    expect(violations([usage({ occurredOn: '2019-01-01' })])).toEqual(['records[0].occurredAt:beforePlanStart']);
  });

  it('refuses usage dated in a closed period unless the tenant allows late usage, then marks it late', () => {
    expect(violations([usage({ occurredOn: '2019-02-01' })])).toEqual(['records[0].occurredAt:closedPeriod']);
    const [accepted] = checkUsageRules([usage({ occurredOn: '2019-02-01' })], facts({ allowLateUsage: true }), single);
    expect(accepted).toEqual({ ...usage({ occurredOn: '2019-02-01' }), late: true });
  });

  it('counts a day its usage pool has already rated as closed, though the account’s own period is open (DOMAIN.md §6)', () => {
    const poolRated = new Map([[poolRatedKey('acme', 'data'), [{ from: '2019-02-01', to: '2019-02-08' }]]]);
    expect(violations([usage({ occurredOn: '2019-02-07' }), usage({ occurredOn: '2019-02-08' }), usage({ serviceId: 'sms', occurredOn: '2019-02-07' })], facts({ poolRated }))).toEqual([
      'records[0].occurredAt:closedPeriod',
    ]);
    const accepted = checkUsageRules([usage({ occurredOn: '2019-02-07' }), usage({ occurredOn: '2019-02-08' })], facts({ poolRated, allowLateUsage: true }), single);
    expect(accepted.map((record) => record.late)).toEqual([true, false]);
  });

  it('takes any instance holding the service: usage in the current period of one of them is on time', () => {
    const accounts = new Map([['acme', [instance(), instance({ planInstanceId: 'pi-2', startDate: '2019-01-20', currentPeriodStart: '2019-01-20' })]]]);
    expect(checkUsageRules([usage({ occurredOn: '2019-01-25' })], facts({ accounts }), single)[0].late).toBe(false);
  });

  it('reports every refused record of a batch at once', () => {
    expect(violations([usage(), usage({ serviceId: 'x' }), usage(), usage({ occurredOn: '2019-03-01' })])).toEqual([
      'records[1].serviceId:serviceExists',
      'records[3].occurredAt:future',
    ]);
  });

  it('answers 404 for unknown accounts (another tenant\'s included) before any rule', () => {
    const given = facts({ accounts: new Map([['acme', [instance()]], ['ghost', null]]) });
    let error: NotFoundError | undefined;
    try {
      checkUsageRules([usage({ serviceId: 'x' }), usage({ accountId: 'ghost' })], given, inBatch);
    } catch (caught) {
      error = caught as NotFoundError;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error?.message).toBe('Account ghost was not found');
    expect(error?.details).toEqual([expect.objectContaining({ field: 'records[1].accountId', rule: 'exists' })]);
  });

  it('finds the start of the current period on the billing grid, or the start during a stub', () => {
    const monthly = { unit: 'month' as const, count: 1 };
    expect(currentPeriodStart(gridFor('2019-02-02', 2, monthly), '2019-02-02', '2019-03-10')).toBe('2019-03-02');
    expect(currentPeriodStart(gridFor('2019-02-02', 2, monthly), '2019-02-02', '2019-03-01')).toBe('2019-02-02');
    // Bill day 22 from 2019-02-02: the stub [2019-02-02, 2019-02-22) is the first period.
    expect(currentPeriodStart(gridFor('2019-02-02', 22, monthly), '2019-02-02', '2019-02-10')).toBe('2019-02-02');
    expect(currentPeriodStart(gridFor('2019-02-02', 22, monthly), '2019-02-02', '2019-02-22')).toBe('2019-02-22');
    expect(currentPeriodStart(gridFor('2024-01-31', 31, monthly), '2024-01-31', '2024-03-15')).toBe('2024-02-29');
  });
});
