import { startTestApp, TestApp } from '../support/test-app';

/** Issue 18, the definitions half: versioned dunning processes, dunning groups and which group applies (API.md "Dunning"). */

const plan = (id: string) => ({
  id,
  name: id,
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
});

// DOMAIN.md §9's example: +3 days retry and email, +10 days 5% fee and suspension, +20 days termination.
const standardSteps = [
  { days: 3, actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'dunningNotice' }] },
  { days: 10, actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }, { type: 'notify', template: 'dunningNotice' }] },
  { days: 20, actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] },
];
const normalised = standardSteps.map((step) => ({ ...step, from: 'dueDate' }));
const step = (fields: Record<string, unknown> = {}) => ({ days: 3, actions: [{ type: 'retryCollection' }], ...fields });
const withAction = (action: Record<string, unknown>) => ({ name: 'X', steps: [step({ actions: [action] })] });

describe('Dunning processes and groups over HTTP', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Dunner', sandbox: true, businessDate: '2019-02-10', settings: { customStatuses: [{ name: 'onHold', billable: false }] } }));
    for (const id of ['gold', 'silver']) expect((await t.request('POST', '/v1/plans', { key, body: plan(id) })).status).toBe(201);
  });
  afterAll(() => t.close());

  const post = (route: string, body: unknown, apiKey = key) => t.request('POST', route, { key: apiKey, body });
  const put = (route: string, body: unknown) => t.request('PUT', route, { key, body });
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });

  describe('processes', () => {
    let v1: any;

    it('defines version 1 with its steps normalised, and reads it back', async () => {
      const created = await post('/v1/dunning-processes', { id: 'standard', name: 'Standard', steps: standardSteps });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: 'standard', name: 'Standard', version: 1, steps: normalised, createdOn: '2019-02-10' });
      v1 = created.body;
      expect((await get('/v1/dunning-processes/standard')).body).toEqual(v1);
      expect((await get('/v1/dunning-processes/standard?version=1')).body).toEqual(v1);
    });

    it('refuses an id that exists (409) and writes nothing', async () => {
      const again = await post('/v1/dunning-processes', { id: 'standard', name: 'Other', steps: standardSteps });
      expect(again.status).toBe(409);
      expect(again.body.details[0]).toMatchObject({ field: 'id', rule: 'unique' });
      expect((await get('/v1/dunning-processes/standard')).body).toEqual(v1);
    });

    it('a PUT is a new version; the same content again is no new version; every version stays readable', async () => {
      const steps = [...standardSteps.slice(0, 2), { days: 10, from: 'previousStep', actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] }];
      const revised = await put('/v1/dunning-processes/standard', { name: 'Standard (strict)', steps });
      expect(revised.status).toBe(200);
      expect(revised.body).toEqual({ id: 'standard', name: 'Standard (strict)', version: 2, steps: [...normalised.slice(0, 2), steps[2]], createdOn: '2019-02-10' });

      const same = await put('/v1/dunning-processes/standard', { name: 'Standard (strict)', steps });
      expect(same.status).toBe(200);
      expect(same.body).toEqual(revised.body);

      expect((await get('/v1/dunning-processes/standard')).body).toEqual(revised.body);
      expect((await get('/v1/dunning-processes/standard?version=1')).body).toEqual(v1);
      expect((await get('/v1/dunning-processes/standard?version=2')).body).toEqual(revised.body);
      expect((await get('/v1/dunning-processes/standard/versions')).body).toEqual({ items: [v1, revised.body] });
    });

    it('lists the latest versions, sorted by id', async () => {
      expect((await post('/v1/dunning-processes', { id: 'gentle', name: 'Gentle', steps: [step()] })).status).toBe(201);
      const list = await get('/v1/dunning-processes');
      expect(list.status).toBe(200);
      expect(list.body.items.map((p: any) => [p.id, p.version])).toEqual([
        ['gentle', 1],
        ['standard', 2],
      ]);
    });

    it('generates an id when none is given', async () => {
      const created = await post('/v1/dunning-processes', { name: 'Anonymous', steps: [step()] });
      expect(created.status).toBe(201);
      expect(created.body.id).toMatch(/^dp_[0-9a-f]{20}$/);
    });

    it('answers 404 for an unknown process or version, 400 for a bad version', async () => {
      expect((await get('/v1/dunning-processes/nope')).status).toBe(404);
      expect((await get('/v1/dunning-processes/nope/versions')).status).toBe(404);
      expect((await get('/v1/dunning-processes/standard?version=3')).status).toBe(404);
      const bad = await get('/v1/dunning-processes/standard?version=first');
      expect(bad.status).toBe(400);
      expect(bad.body.details[0]).toMatchObject({ field: 'version', rule: 'positiveInteger' });
      expect((await put('/v1/dunning-processes/nope', { name: 'X', steps: [step()] })).status).toBe(404);
    });

    it("takes a template the tenant set and the tenant's custom statuses", async () => {
      const notice = await t.request('PUT', '/v1/email-templates/paymentFailed', { key, body: { subject: 'Payment overdue', text: 'Please pay.' } });
      expect(notice.status).toBe(200);
      const steps = [step({ actions: [{ type: 'notify', template: 'paymentFailed' }, { type: 'setStatus', target: 'planInstance', status: 'onHold' }] })];
      const created = await post('/v1/dunning-processes', { id: 'custom', name: 'Custom', steps });
      expect(created.status).toBe(201);
      expect(created.body.steps[0].actions).toEqual(steps[0].actions);
      // Another tenant has neither.
      const { apiKey: other } = await t.createTenant({ name: 'Other' });
      const refused = await post('/v1/dunning-processes', { id: 'custom', name: 'Custom', steps }, other);
      expect(refused.status).toBe(400);
      expect(refused.body.details.map((d: any) => `${d.field}:${d.rule}`)).toEqual(['steps[0].actions[0].template:knownTemplate', 'steps[0].actions[1].status:knownStatus']);
    });

    // Four columns exactly: a test function with more parameters than a row would be given jest's `done`.
    it.each<[string, Record<string, unknown>, string, string]>([
      ['an unknown field', { name: 'X', steps: [step()], priority: 1 }, 'priority', 'unknownField'],
      ['no name', { steps: [step()] }, 'name', 'required'],
      ['no steps', { name: 'X' }, 'steps', 'required'],
      ['empty steps', { name: 'X', steps: [] }, 'steps', 'notEmpty'],
      ['more than 50 steps', { name: 'X', steps: Array.from({ length: 51 }, () => step()) }, 'steps', 'maxItems'],
      ['days not an integer', { name: 'X', steps: [step({ days: 2.5 })] }, 'steps[0].days', 'range'],
      ['days beyond 3650', { name: 'X', steps: [step({ days: 3651 })] }, 'steps[0].days', 'range'],
      ['an unknown from', { name: 'X', steps: [step({ from: 'invoiceDate' })] }, 'steps[0].from', 'oneOf'],
      ['an unknown step field', { name: 'X', steps: [step({ repeat: true })] }, 'steps[0].repeat', 'unknownField'],
      ['a step that does nothing', { name: 'X', steps: [step({ actions: [] })] }, 'steps[0].actions', 'notEmpty'],
      ['an unknown action type', withAction({ type: 'sendSms' }), 'steps[0].actions[0].type', 'oneOf'],
      ['an unknown action field', withAction({ type: 'retryCollection', times: 3 }), 'steps[0].actions[0].times', 'unknownField'],
      ['a late fee with neither flat nor percent', withAction({ type: 'lateFee' }), 'steps[0].actions[0]', 'flatOrPercent'],
      ['a late fee with both', withAction({ type: 'lateFee', flat: '5.00', percent: '5' }), 'steps[0].actions[0]', 'flatOrPercent'],
      ['a flat fee of zero', withAction({ type: 'lateFee', flat: '0' }), 'steps[0].actions[0].flat', 'positive'],
      ['a flat fee as a number', withAction({ type: 'lateFee', flat: 5 }), 'steps[0].actions[0].flat', 'decimal'],
      ['a flat fee finer than any currency', withAction({ type: 'lateFee', flat: '5.0001' }), 'steps[0].actions[0].flat', 'maxDecimalPlaces'],
      ['a percent of zero', withAction({ type: 'lateFee', percent: '0' }), 'steps[0].actions[0].percent', 'percentRange'],
      ['a percent over 100', withAction({ type: 'lateFee', percent: '101' }), 'steps[0].actions[0].percent', 'percentRange'],
      ['notify without a template', withAction({ type: 'notify' }), 'steps[0].actions[0].template', 'required'],
      ['notify with an unknown template', withAction({ type: 'notify', template: 'finalDemand' }), 'steps[0].actions[0].template', 'knownTemplate'],
      ['setStatus of an unknown target', withAction({ type: 'setStatus', target: 'invoice', status: 'suspended' }), 'steps[0].actions[0].target', 'oneOf'],
      ['setStatus to an unknown status', withAction({ type: 'setStatus', target: 'account', status: 'frozen' }), 'steps[0].actions[0].status', 'knownStatus'],
      ['a step dated before the previous one', { name: 'X', steps: [step({ days: 10 }), step({ days: 5 })] }, 'steps[1].days', 'stepsInOrder'],
      [
        'a dueDate step before the offset the previous steps reached',
        { name: 'X', steps: [step({ days: 5 }), step({ days: 5, from: 'previousStep' }), step({ days: 8 })] },
        'steps[2].days',
        'stepsInOrder',
      ],
    ])('refuses %s (400 with the field and the rule)', async (_name, body, field, rule) => {
      const response = await post('/v1/dunning-processes', { id: 'refused', ...body });
      expect(response.status).toBe(400);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect((await get('/v1/dunning-processes/refused')).status).toBe(404);
    });

    it('names the deep path of a bad field, and checks a PUT the same way', async () => {
      const steps = [step(), step({ days: 5, actions: [{ type: 'retryCollection' }, { type: 'lateFee', percent: '150' }] })];
      const response = await put('/v1/dunning-processes/standard', { name: 'X', steps });
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'steps[1].actions[1].percent', rule: 'percentRange' })]);
      expect((await get('/v1/dunning-processes/standard')).body.version).toBe(2);
    });
  });

  describe('groups and which one applies', () => {
    beforeAll(async () => {
      for (const id of ['p-default', 'p-gold', 'p-fr', 'p-gold-fr', 'p-web-fr']) {
        expect((await post('/v1/dunning-processes', { id, name: id, steps: [step()] })).status).toBe(201);
      }
    });

    const match = (query: string) => get(`/v1/dunning-groups/match?${query}`);

    it('creates, reads and lists groups; criteria left out are null', async () => {
      const created = await post('/v1/dunning-groups', { id: 'default', name: 'Everyone', processId: 'p-default' });
      expect(created.status).toBe(201);
      const group = { id: 'default', name: 'Everyone', processId: 'p-default', planIds: null, channel: null, country: null, language: null, createdOn: '2019-02-10' };
      expect(created.body).toEqual(group);
      expect((await get('/v1/dunning-groups/default')).body).toEqual(group);

      expect((await post('/v1/dunning-groups', { id: 'gold', processId: 'p-gold', planIds: ['gold'] })).status).toBe(201);
      expect((await post('/v1/dunning-groups', { id: 'fr', processId: 'p-fr', country: 'FR' })).status).toBe(201);
      expect((await post('/v1/dunning-groups', { id: 'gold-fr', processId: 'p-gold-fr', planIds: ['gold', 'silver'], country: 'FR', language: 'fr' })).status).toBe(201);
      expect((await post('/v1/dunning-groups', { id: 'web-fr', processId: 'p-web-fr', channel: 'web', country: 'FR', language: 'fr' })).status).toBe(201);
      const list = await get('/v1/dunning-groups');
      expect(list.body.items.map((g: any) => g.id)).toEqual(['default', 'gold', 'fr', 'gold-fr', 'web-fr']);
      expect(list.body.items[3]).toEqual({ id: 'gold-fr', name: null, processId: 'p-gold-fr', planIds: ['gold', 'silver'], channel: null, country: 'FR', language: 'fr', createdOn: '2019-02-10' });
    });

    it.each<[string, string, string]>([
      ['nothing known: the default group', '', 'default'],
      ['a plan of a group', 'planId=gold', 'gold'],
      ['a country', 'planId=silver&country=FR', 'fr'],
      ['the most specific group', 'planId=gold&country=FR&language=fr', 'gold-fr'],
      ['a tie goes to the earliest created (gold-fr before web-fr)', 'planId=gold&channel=web&country=FR&language=fr', 'gold-fr'],
      ['a criterion the target lacks does not match', 'planId=gold&country=FR&language=en', 'gold'],
      ['a named group wins outright', 'dunningGroupId=fr&planId=gold&country=FR&language=fr', 'fr'],
      ['an unknown named group falls back to the criteria', 'dunningGroupId=gone&planId=gold', 'gold'],
    ])('%s', async (_name, query, groupId) => {
      const response = await match(query);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ groupId, processId: `p-${groupId}`, version: 1, steps: [{ days: 3, from: 'dueDate', actions: [{ type: 'retryCollection' }] }] });
    });

    it("answers the latest version of the group's process", async () => {
      expect((await put('/v1/dunning-processes/p-gold', { name: 'Gold v2', steps: [step({ days: 4 })] })).status).toBe(200);
      expect((await match('planId=gold')).body).toMatchObject({ groupId: 'gold', processId: 'p-gold', name: 'Gold v2', version: 2, steps: [{ days: 4 }] });
    });

    it('a replaced group keeps its place in ties; a repeat changes nothing', async () => {
      const replaced = await put('/v1/dunning-groups/web-fr', { processId: 'p-web-fr', planIds: ['gold'], channel: 'web', country: 'FR' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toEqual({ id: 'web-fr', name: null, processId: 'p-web-fr', planIds: ['gold'], channel: 'web', country: 'FR', language: null, createdOn: '2019-02-10' });
      expect((await put('/v1/dunning-groups/web-fr', { processId: 'p-web-fr', planIds: ['gold'], channel: 'web', country: 'FR' })).body).toEqual(replaced.body);
      expect((await get('/v1/dunning-groups/web-fr')).body).toEqual(replaced.body);
      // web-fr (3 criteria) now beats gold (1) for a French web customer of gold without a language, and stays after gold-fr in ties.
      expect((await match('planId=gold&channel=web&country=FR')).body.groupId).toBe('web-fr');
      expect((await match('planId=gold&channel=web&country=FR&language=fr')).body.groupId).toBe('gold-fr');
      expect((await get('/v1/dunning-groups')).body.items.map((g: any) => g.id)).toEqual(['default', 'gold', 'fr', 'gold-fr', 'web-fr']);
    });

    it('no group matches: 404', async () => {
      const { apiKey: empty } = await t.createTenant({ name: 'No groups' });
      expect((await get('/v1/dunning-groups/match?planId=gold', empty)).status).toBe(404);
    });

    it('refuses an id that exists (409), an unknown group (404)', async () => {
      expect((await post('/v1/dunning-groups', { id: 'gold', processId: 'p-gold' })).status).toBe(409);
      expect((await get('/v1/dunning-groups/nope')).status).toBe(404);
      expect((await put('/v1/dunning-groups/nope', { processId: 'p-gold' })).status).toBe(404);
      // "match" is the matching route's: a group of that id could never be read.
      const reserved = await post('/v1/dunning-groups', { id: 'match', processId: 'p-gold' });
      expect(reserved.status).toBe(400);
      expect(reserved.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'reservedId' })]);
    });

    it('generates an id when none is given', async () => {
      const created = await post('/v1/dunning-groups', { processId: 'p-gold', channel: 'partner' });
      expect(created.status).toBe(201);
      expect(created.body.id).toMatch(/^dg_[0-9a-f]{20}$/);
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      ['an unknown field', { processId: 'p-gold', currency: 'USD' }, 'currency', 'unknownField'],
      ['no process', {}, 'processId', 'required'],
      ['an unknown process', { processId: 'p-none' }, 'processId', 'knownDunningProcess'],
      ['an empty planIds', { processId: 'p-gold', planIds: [] }, 'planIds', 'notEmpty'],
      ['an unknown plan', { processId: 'p-gold', planIds: ['gold', 'bronze'] }, 'planIds[1]', 'knownPlan'],
      ['planIds not a list', { processId: 'p-gold', planIds: 'gold' }, 'planIds', 'array'],
      ['a country in lower case', { processId: 'p-gold', country: 'fr' }, 'country', 'iso3166Alpha2'],
      ['an unassigned country', { processId: 'p-gold', country: 'UK' }, 'country', 'iso3166Alpha2'],
      ['a bad language tag', { processId: 'p-gold', language: 'French' }, 'language', 'bcp47'],
      ['a channel over 50 characters', { processId: 'p-gold', channel: 'c'.repeat(51) }, 'channel', 'maxLength'],
      ['a blank channel', { processId: 'p-gold', channel: ' ' }, 'channel', 'notBlank'],
    ])('refuses %s (400 with the field and the rule)', async (_name, body, field, rule) => {
      const response = await post('/v1/dunning-groups', { id: 'refused', ...body });
      expect(response.status).toBe(400);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect((await get('/v1/dunning-groups/refused')).status).toBe(404);
    });

    it('a PUT is checked the same way', async () => {
      const response = await put('/v1/dunning-groups/gold', { processId: 'p-none', planIds: [] });
      expect(response.status).toBe(400);
      expect(response.body.details.map((d: any) => `${d.field}:${d.rule}`)).toEqual(['processId:knownDunningProcess', 'planIds:notEmpty']);
    });

    it("plan instances may name only this tenant's groups", async () => {
      expect((await post('/v1/accounts', { id: 'cust-1', name: 'Customer', currency: 'USD' })).status).toBe(201);
      const unknown = await post('/v1/accounts/cust-1/plan-instances', { planId: 'gold', dunningGroupId: 'nope' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details[0]).toMatchObject({ field: 'dunningGroupId', rule: 'knownDunningGroup' });
      expect((await post('/v1/accounts/cust-1/plan-instances', { planId: 'gold', dunningGroupId: 'fr' })).status).toBe(201);
    });
  });
});
