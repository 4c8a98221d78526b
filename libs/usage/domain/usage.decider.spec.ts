import { fold } from '../../shared-kernel/decider';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { hasKey, keyCount, RecordUsage, UsageEvent, UsageRecord, usageDecider, usageStreamEntity } from './usage.decider';

const spec = specFor(usageDecider);
const record = (idempotencyKey: string, quantity = '1', occurredOn = '2026-11-03', late?: true): UsageRecord => ({
  serviceId: 'data',
  quantity,
  occurredOn,
  idempotencyKey,
  ...(late ? { late } : {}),
});
const recordUsage = (...records: UsageRecord[]): RecordUsage => ({ type: 'RecordUsage', data: { accountId: 'acme', month: '2026-11', records } });
const recorded = (...records: UsageRecord[]): UsageEvent => ({ type: 'UsageRecorded', data: { accountId: 'acme', month: '2026-11', records } });

describe('Usage decider (one account, one month of occurrence)', () => {
  it('records new usage: the records of one command in one event', () => {
    spec.given([]).when(recordUsage(record('k1', '12.5'), record('k2', '0.1'))).then([recorded(record('k1', '12.5'), record('k2', '0.1'))]);
  });

  it('keeps the late mark of usage dated in a closed period', () => {
    spec.given([]).when(recordUsage(record('k1', '3', '2026-11-01', true))).then([recorded(record('k1', '3', '2026-11-01', true))]);
  });

  it('ignores a key the stream already holds, whatever its quantity: nothing is written', () => {
    spec.given([recorded(record('k1', '12.5'))]).when(recordUsage(record('k1', '99'))).then([]);
  });

  it('records only the new records of a command that also repeats earlier keys', () => {
    spec
      .given([recorded(record('k1')), recorded(record('k2'))])
      .when(recordUsage(record('k1'), record('k3', '2'), record('k2')))
      .then([recorded(record('k3', '2'))]);
  });

  it('counts a key repeated inside one command once (the first record wins)', () => {
    spec.given([]).when(recordUsage(record('k1', '1'), record('k1', '5'), record('k2'))).then([recorded(record('k1', '1'), record('k2'))]);
  });

  it('remembers every key of a long stream, folded one event at a time or at once', () => {
    const history = Array.from({ length: 50 }, (_, i) => recorded(record(`k${i}a`), record(`k${i}b`)));
    const stepByStep = history.reduce(usageDecider.evolve, usageDecider.initialState);
    const atOnce = fold(usageDecider, history);
    for (const state of [stepByStep, atOnce]) {
      expect(keyCount(state)).toBe(100);
      expect(hasKey(state, 'k0a') && hasKey(state, 'k49b') && hasKey(state, 'k17a')).toBe(true);
      expect(hasKey(state, 'k50a')).toBe(false);
    }
    spec.given(history).when(recordUsage(record('k0a'), record('k49b'), record('new'))).then([recorded(record('new'))]);
  });

  it('keeps every state answering for its own version, though successive states share their index', () => {
    const initial = usageDecider.initialState;
    const one = usageDecider.evolve(initial, recorded(record('a')));
    const two = usageDecider.evolve(one, recorded(record('b')));
    // Folding again from an earlier state (a retried decision) branches off without disturbing the others.
    const branch = usageDecider.evolve(one, recorded(record('c')));
    expect([hasKey(initial, 'a'), keyCount(initial)]).toEqual([false, 0]);
    expect([hasKey(one, 'a'), hasKey(one, 'b'), hasKey(one, 'c')]).toEqual([true, false, false]);
    expect([hasKey(two, 'a'), hasKey(two, 'b'), hasKey(two, 'c')]).toEqual([true, true, false]);
    expect([hasKey(branch, 'a'), hasKey(branch, 'b'), hasKey(branch, 'c')]).toEqual([true, false, true]);
    expect(usageDecider.evolve(two, recorded(record('d'))).size).toBe(3);
    expect([hasKey(two, 'd'), hasKey(one, 'd'), hasKey(branch, 'd')]).toEqual([false, false, false]);
    // The initial state is never appended to: every fold from it starts afresh.
    expect(keyCount(fold(usageDecider, [recorded(record('x'))]))).toBe(1);
    expect(hasKey(usageDecider.initialState, 'a') || hasKey(usageDecider.initialState, 'x')).toBe(false);
  });

  it('refuses a record of another month: the caller routes each record to the stream of its month', () => {
    spec.given([]).when(recordUsage(record('k1', '1', '2026-12-01'))).thenThrows(Error, /2026-12-01 sent to the stream of acme for 2026-11/);
  });

  it('names the stream after the account and the month; an account id with dots stays unambiguous', () => {
    expect(usageStreamEntity('acme', '2026-11')).toBe('acme.2026-11');
    expect(usageStreamEntity('acme.hq', '2026-11')).toBe('acme.hq.2026-11');
  });
});
