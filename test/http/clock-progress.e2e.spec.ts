import { startTestApp, TestApp } from '../support/test-app';

/** A long clock advance shows its progress (issue 22, Must have 6): with Accept: application/x-ndjson, a line per settled day. */
describe('clock advance progress over HTTP', () => {
  let t: TestApp;
  let key: string;
  const advance = (to: string, accept = 'application/x-ndjson') =>
    fetch(`${t.url}/v1/clock/advance`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept }, body: JSON.stringify({ to }) });
  const lines = async (response: Response) => (await response.text()).trim().split('\n').map((line) => JSON.parse(line));

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Progress', sandbox: true, businessDate: '2019-02-10' }));
  });
  afterAll(() => t.close());

  it('streams one line per settled day, then the answer the call gives without the header', async () => {
    const response = await advance('2019-02-14');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(await lines(response)).toEqual([
      { day: { businessDate: '2019-02-11', day: 1, of: 4 } },
      { day: { businessDate: '2019-02-12', day: 2, of: 4 } },
      { day: { businessDate: '2019-02-13', day: 3, of: 4 } },
      { day: { businessDate: '2019-02-14', day: 4, of: 4 } },
      { done: { businessDate: '2019-02-14', days: 4 } },
    ]);
    expect((await t.request('GET', '/v1/clock', { key })).body.businessDate).toBe('2019-02-14');
  });

  it('answers as without the header when no day is left to settle, and refuses bad input before streaming anything', async () => {
    const same = await advance('2019-02-14');
    expect([same.status, same.headers.get('content-type'), await same.json()]).toEqual([200, expect.stringMatching(/^application\/json/), { businessDate: '2019-02-14', days: 0 }]);
    const back = await advance('2019-02-01');
    expect(back.status).toBe(422);
    expect(((await back.json()) as { details: unknown[] }).details[0]).toMatchObject({ field: 'to', rule: 'notBeforeBusinessDate' });
  });

  it('without the header, one JSON answer at the end as before', async () => {
    const response = await advance('2019-02-16', 'application/json');
    expect([response.status, await response.json()]).toEqual([200, { businessDate: '2019-02-16', days: 2 }]);
  });
});
