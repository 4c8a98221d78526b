import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Dunning's rules over HTTP, each on a sandbox tenant of its own (DOMAIN.md §9, issue 18): thresholds for electronic
 * methods and net terms, versions, the plan-switch rule, a new payment method during dunning, an operator's end and
 * migration, and statuses an operator changed meanwhile.
 */
describe('Dunning rules over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const THREE_STEPS = [
    { days: 3, actions: [{ type: 'retryCollection' }] },
    { days: 10, actions: [{ type: 'setStatus', target: 'account', status: 'suspended' }] },
    { days: 20, actions: [{ type: 'setStatus', target: 'planInstance', status: 'terminated' }] },
  ];

  /** A sandbox tenant on 2025-03-01 with the 100.00 monthly plan "hundred" bound to a process "standard". */
  async function tenant(settings: Record<string, unknown> = {}, steps: unknown[] = THREE_STEPS) {
    const { apiKey: key } = await t.createTenant({ name: 'Dunning rules', sandbox: true, businessDate: '2025-03-01', settings });
    const call = (method: string, route: string, body?: Record<string, unknown>) => t.request(method, route, { key, body });
    const get = async (route: string) => (await call('GET', route)).body;
    const ok = async (method: string, route: string, body?: Record<string, unknown>) => {
      const answer = await call(method, route, body);
      expect([200, 201]).toContain(answer.status);
      return answer.body;
    };
    await ok('POST', '/v1/plans', monthlyPlan('hundred', '100.00'));
    await ok('POST', '/v1/dunning-processes', { id: 'standard', name: 'Standard', steps });
    await ok('POST', '/v1/dunning-groups', { id: 'standard-group', processId: 'standard', planIds: ['hundred'] });
    const customer = async (id: string, token: string | null, planId = 'hundred') => {
      await ok('POST', '/v1/accounts', { id, name: id, currency: 'USD' });
      if (token) await ok('POST', `/v1/accounts/${id}/payment-methods`, { id: 'card', type: 'card', token });
      await ok('POST', `/v1/accounts/${id}/plan-instances`, { id: `${id}-pi`, planId });
    };
    const advance = (to: string) => ok('POST', '/v1/clock/advance', { to });
    const dunning = (id: string) => get(`/v1/accounts/${id}/dunning`);
    return { call, get, ok, customer, advance, dunning };
  }

  it('thresholds: an electronic account enters only above the minimum collection threshold, a net-terms account above the net-terms threshold balance', async () => {
    const s = await tenant({ minimumCollectionThreshold: 10000, netTermsThresholdBalance: 5000 });
    await s.customer('card-at-threshold', 'tok_decline'); // owes exactly 100.00: not above 100.00
    await s.customer('net-terms', null); // owes 100.00 > 50.00
    await s.advance('2025-03-05');
    expect(await s.dunning('card-at-threshold')).toMatchObject({ status: 'none', history: [] });
    expect(await s.dunning('net-terms')).toMatchObject({ status: 'inDunning', step: 1, startedOn: '2025-03-02' });

    const strict = await tenant({ netTermsThresholdBalance: 20000 });
    await strict.customer('small-debt', null);
    await strict.advance('2025-03-05');
    expect(await strict.dunning('small-debt')).toMatchObject({ status: 'none' });
  });

  it('versions: a case finishes the version it started; a new case takes the latest; an operator may migrate', async () => {
    const s = await tenant();
    await s.customer('early', 'tok_decline');
    await s.advance('2025-03-02');
    expect(await s.dunning('early')).toMatchObject({ processVersion: 1, nextStepDate: '2025-03-04' });
    // Version 2: the first step a day later, the second at +12.
    const v2 = [{ ...THREE_STEPS[0], days: 4 }, { ...THREE_STEPS[1], days: 12 }, THREE_STEPS[2]];
    expect(await s.ok('PUT', '/v1/dunning-processes/standard', { name: 'Standard', steps: v2 })).toMatchObject({ version: 2 });
    await s.advance('2025-03-04');
    expect(await s.dunning('early')).toMatchObject({ processVersion: 1, step: 1, nextStepDate: '2025-03-11' });
    // The operator moves the case to version 2: it goes on at step 2, now due on 03-13.
    const migrated = await s.ok('POST', '/v1/accounts/early/dunning/migrate', { version: 2 });
    expect(migrated.events).toEqual(['DunningMigrated']);
    expect(await s.dunning('early')).toMatchObject({ processVersion: 2, nextStep: 2, nextStepDate: '2025-03-13' });
    await s.advance('2025-03-12');
    expect((await s.get('/v1/accounts/early')).status).toBe('active');
    await s.advance('2025-03-13');
    expect((await s.get('/v1/accounts/early')).status).toBe('suspended');

    // A case started now takes the latest version.
    await s.customer('late', 'tok_decline'); // assigned on 03-13, due 03-13
    await s.advance('2025-03-14');
    expect(await s.dunning('late')).toMatchObject({ processVersion: 2, nextStepDate: '2025-03-17' });

    // Bad migrations: unknown version 404, not in dunning 422.
    expect((await s.call('POST', '/v1/accounts/early/dunning/migrate', { version: 9 })).status).toBe(404);
    await s.ok('POST', '/v1/accounts', { id: 'clean', name: 'clean', currency: 'USD' });
    expect((await s.call('POST', '/v1/accounts/clean/dunning/migrate', {})).status).toBe(422);
    expect((await s.call('POST', '/v1/accounts/nobody/dunning/end', {})).status).toBe(404);
  });

  it('the plan-switch rule: on a plan whose process has fewer steps, the case goes on at the nearest remaining step', async () => {
    const s = await tenant();
    await s.ok('POST', '/v1/plans', monthlyPlan('lite', '100.00'));
    const short = [{ days: 3, actions: [{ type: 'retryCollection' }] }, { days: 5, actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] }];
    await s.ok('POST', '/v1/dunning-processes', { id: 'short', name: 'Short', steps: short });
    await s.ok('POST', '/v1/dunning-groups', { id: 'lite-group', processId: 'short', planIds: ['lite'] });
    await s.customer('switcher', 'tok_decline');
    await s.advance('2025-03-11'); // steps 1 and 2 of "standard" taken: suspended, step 3 due 03-21
    expect(await s.dunning('switcher')).toMatchObject({ processId: 'standard', step: 2, nextStep: 3, nextStepDate: '2025-03-21' });
    await s.ok('POST', '/v1/plan-instances/switcher-pi/switch', { planId: 'lite', effective: 'now' });
    await s.advance('2025-03-21');
    // "short" has no step 3: the case takes its last step (2: terminate) instead of stalling.
    const state = await s.dunning('switcher');
    expect(state).toMatchObject({ processId: 'short', step: 2, nextStep: null });
    expect(state.history.map((h: { step?: number; event?: string; processId?: string }) => h.event ?? `${h.processId}#${h.step}`)).toEqual([
      'started',
      'standard#1',
      'standard#2',
      'migrated',
      'short#2',
    ]);
    expect((await s.get('/v1/accounts/switcher')).status).toBe('terminated');
  });

  it('a new default card during dunning is charged the balance at once, and the next day ends the case and restores the status', async () => {
    const s = await tenant();
    await s.customer('recovers', 'tok_decline');
    await s.advance('2025-03-11');
    expect((await s.get('/v1/accounts/recovers')).status).toBe('suspended');
    await s.ok('POST', '/v1/accounts/recovers/payment-methods', { id: 'new-card', type: 'card', token: 'tok_approve' });
    await t.settledHead(); // the charge follows the new default through the dunning process manager
    const paid = (await s.get('/v1/accounts/recovers/payments')).items.find((p: { id: string }) => p.id.startsWith('dun:recovers:method:'));
    expect(paid).toMatchObject({ amount: 10000, status: 'succeeded' });
    await s.advance('2025-03-12');
    expect(await s.dunning('recovers')).toMatchObject({ status: 'none', resolvedOn: '2025-03-12', resolution: 'paid' });
    expect((await s.get('/v1/accounts/recovers')).status).toBe('active');
  });

  it("an operator's status change during dunning stands when dunning ends; an operator may end a case", async () => {
    const s = await tenant();
    await s.customer('operated', 'tok_decline');
    await s.customer('forgiven', 'tok_decline');
    await s.advance('2025-03-11');
    await s.ok('PUT', '/v1/accounts/operated/status', { status: 'terminated', reason: 'fraud review' });
    const ended = await s.ok('POST', '/v1/accounts/operated/dunning/end', {});
    expect(ended.events).toEqual(['DunningResolved']);
    await s.advance('2025-03-12');
    expect(await s.dunning('operated')).toMatchObject({ status: 'none', resolution: 'operator' });
    expect((await s.get('/v1/accounts/operated')).status).toBe('terminated');
    // Ended by the operator without a change of theirs: the status dunning set is restored.
    await s.ok('POST', '/v1/accounts/forgiven/dunning/end', {});
    await s.advance('2025-03-13');
    expect((await s.get('/v1/accounts/forgiven')).status).toBe('active');
    expect((await s.call('POST', '/v1/accounts/forgiven/dunning/end', {})).status).toBe(422);
  });

  it('a plan instance named by its dunning group gets that process; an unknown group is refused', async () => {
    const s = await tenant();
    await s.ok('POST', '/v1/dunning-processes', { id: 'gentle', name: 'Gentle', steps: [{ days: 7, actions: [{ type: 'retryCollection' }] }] });
    await s.ok('POST', '/v1/dunning-groups', { id: 'vip', processId: 'gentle', planIds: ['hundred'] });
    await s.ok('POST', '/v1/accounts', { id: 'vip-account', name: 'VIP', currency: 'USD' });
    const refused = await s.call('POST', '/v1/accounts/vip-account/plan-instances', { planId: 'hundred', dunningGroupId: 'nope' });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'dunningGroupId' })]);
    await s.ok('POST', '/v1/accounts/vip-account/plan-instances', { id: 'vip-pi', planId: 'hundred', dunningGroupId: 'vip' });
    await s.advance('2025-03-02');
    expect(await s.dunning('vip-account')).toMatchObject({ processId: 'gentle', nextStepDate: '2025-03-08' });
  });
});
