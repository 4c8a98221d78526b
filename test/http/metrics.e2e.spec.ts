import { allProcessManagers, allProjectors } from '../../apps/contexts';
import { startTestApp, TestApp } from '../support/test-app';

/** GET /metrics (issue 22, Must have 4): Prometheus' text format, without a key, with bounded labels and no tenant data. */
describe('Metrics over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  const scrape = async () => {
    const answer = await t.request('GET', '/metrics', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return answer.body as unknown as string;
  };
  /** The value of one sample line (`name{labels} value`). */
  const sample = (text: string, line: string) => Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ').pop());

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Metrics', sandbox: true, businessDate: '2019-02-10' }));
  });
  afterAll(() => t.close());

  it('counts requests per method, route pattern and status, never per URL', async () => {
    for (const id of ['m-1', 'm-2']) expect((await t.request('POST', '/v1/accounts', { key, body: { id, name: id, currency: 'USD' } })).status).toBe(201);
    for (const id of ['m-1', 'm-2', 'missing']) await t.request('GET', `/v1/accounts/${id}`, { key });
    const text = await scrape();
    expect(sample(text, 'billing_http_request_duration_seconds_count{method="GET",route="/v1/accounts/:id",status="200"}')).toBe(2);
    expect(sample(text, 'billing_http_request_duration_seconds_count{method="GET",route="/v1/accounts/:id",status="404"}')).toBe(1);
    expect(sample(text, 'billing_http_request_duration_seconds_count{method="POST",route="/v1/accounts",status="201"}')).toBe(2);
    expect(text).not.toContain('m-1');
    expect(text).not.toContain(tenantId);
  });

  it("shows every read model's and process manager's lag, the log head, parked events and the event store's counters", async () => {
    const head = await t.settledHead();
    const text = await scrape();
    expect(sample(text, 'billing_log_head_position')).toBeGreaterThanOrEqual(head);
    for (const projector of allProjectors) expect(sample(text, `billing_consumer_lag_events{consumer="${projector.name}",kind="projector"}`)).toBe(0);
    for (const pm of allProcessManagers) expect(sample(text, `billing_consumer_lag_events{consumer="${pm.name}",kind="processManager"}`)).toBe(0);
    expect(text).toContain('# TYPE billing_parked_events gauge');
    expect(sample(text, 'billing_event_store_appends_total')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'billing_event_store_events_total')).toBeGreaterThanOrEqual(sample(text, 'billing_event_store_appends_total'));
    expect(text).toContain('billing_process_cpu_seconds_total');
    expect(text).toContain('billing_nodejs_eventloop_lag_p99_seconds');
  });

  it('counters only grow between scrapes', async () => {
    const before = sample(await scrape(), 'billing_event_store_appends_total');
    expect((await t.request('POST', '/v1/accounts', { key, body: { id: 'm-3', name: 'm-3', currency: 'USD' } })).status).toBe(201);
    expect(sample(await scrape(), 'billing_event_store_appends_total')).toBeGreaterThan(before);
  });
});
