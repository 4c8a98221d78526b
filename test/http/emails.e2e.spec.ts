import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

interface Arrived {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server in-process (no auth, no TLS), keeping every message that arrives. */
async function smtpServer(refuseFirst = 0) {
  const arrived: Arrived[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        if (refused < refuseFirst) {
          refused++;
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        }
        arrived.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { arrived, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1];
const body = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

describe('Email over HTTP', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;

  beforeAll(async () => {
    smtp = await smtpServer();
    t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}?from=billing@example.test`, WEBHOOK_RETRY_BASE_MS: '40' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it("sends a production tenant's notices through SMTP, rendered with the tenant's template", async () => {
    const { apiKey: key } = await t.createTenant({ name: 'Prod mail' });
    const post = (route: string, body: unknown) => t.request('POST', route, { key, body });
    const set = await t.request('PUT', '/v1/email-templates/paymentFailed', {
      key,
      body: { subject: 'Payment {{paymentId}} failed', text: 'Dear {{accountName}}, {{amount}} {{currency}} failed: {{reason}}.', html: '<p>Dear {{accountName}}</p>' },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: 'paymentFailed', custom: true, enabled: true, subject: 'Payment {{paymentId}} failed' });
    expect((await t.request('GET', '/v1/email-templates/paymentFailed', { key })).body).toMatchObject({ custom: true, html: '<p>Dear {{accountName}}</p>' });

    expect((await post('/v1/accounts', { id: 'p1', name: 'Ada & Co', currency: 'USD', contact: { email: 'ada@example.com' } })).status).toBe(201);
    expect((await post('/v1/accounts/p1/payment-methods', { id: 'bad', type: 'card', token: 'tok_decline' })).status).toBe(201);
    const declined = await post('/v1/payments', { id: 'pay-1', accountId: 'p1', amount: 1250, currency: 'USD', source: 'paymentMethod', paymentMethodId: 'bad' });
    expect(declined.body).toMatchObject({ status: 'failed' });

    const [mail] = await until('the email arrived', () => smtp.arrived.length >= 1 && smtp.arrived);
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.from).toBe('billing@example.test');
    expect(header(mail.raw, 'Subject')).toBe('Payment pay-1 failed');
    expect(mail.raw).toContain('Dear Ada & Co, 12.50 USD failed: declined.');
    expect(mail.raw).toContain('<p>Dear Ada &amp; Co</p>');

    const emails = await until('listed as sent', async () => {
      const page = (await t.request('GET', '/v1/emails', { key })).body;
      return page.items.length === 1 && page.items[0].status === 'sent' && page;
    });
    expect(emails.items[0]).toMatchObject({ to: 'ada@example.com', notice: 'paymentFailed', subject: 'Payment pay-1 failed', attempts: 1, eventType: 'PaymentFailed' });
    // The process manager's command is recognised as done when issued again: one email per event.
    await t.settledHead();
    expect(smtp.arrived).toHaveLength(1);
  });

  it("keeps a sandbox tenant's email (the contact reminder) and lists it; nothing reaches the SMTP server", async () => {
    const before = smtp.arrived.length;
    const { apiKey: key } = await t.createTenant({ name: 'Sandbox mail', sandbox: true, businessDate: '2019-02-10' });
    const post = (route: string, body: unknown) => t.request('POST', route, { key, body });
    expect((await post('/v1/accounts', { id: 'r1', name: 'Grace', currency: 'USD', contact: { email: 'grace@example.com' } })).status).toBe(201);
    expect((await post('/v1/accounts', { id: 'r2', name: 'No mail', currency: 'USD' })).status).toBe(201); // no email: no reminder email
    // invoicePosted is off until the tenant sets its template: the first invoice sends nothing.
    expect((await t.request('GET', '/v1/email-templates/invoicePosted', { key })).body).toMatchObject({ enabled: false, custom: false });
    expect((await post('/v1/plans', monthlyPlan('basic', '10.00'))).status).toBe(201);
    expect((await post('/v1/accounts/r1/plan-instances', { id: 'r1-pi', planId: 'basic' })).status).toBe(201);
    expect((await post('/v1/clock/advance', { to: '2019-02-17' })).status).toBe(200);
    await t.settledHead();

    const page = (await t.request('GET', '/v1/emails', { key })).body;
    expect(page.items).toEqual([
      expect.objectContaining({
        to: 'grace@example.com',
        notice: 'contactReminder',
        status: 'kept',
        subject: 'Please complete your contact details',
        text: expect.stringContaining('Hello Grace,\n\nYour account r1 is still missing: phone.'),
        eventId: expect.any(String),
        createdAt: expect.any(String),
      }),
    ]);

    // Turned on: the next invoice of the month is emailed (kept, newest first).
    const setInvoice = await t.request('PUT', '/v1/email-templates/invoicePosted', { key, body: { subject: 'Invoice {{invoiceId}}', text: '{{total}} {{currency}} due {{dueDate}}' } });
    expect(setInvoice.status).toBe(200);
    expect((await post('/v1/clock/advance', { to: '2019-03-12' })).status).toBe(200);
    await t.settledHead();
    const after = (await t.request('GET', '/v1/emails', { key })).body.items;
    expect(after.map((e: { notice: string }) => e.notice)).toEqual(['invoicePosted', 'contactReminder']);
    expect(after[0]).toMatchObject({ to: 'grace@example.com', status: 'kept', text: expect.stringMatching(/^10\.00 USD due 2019-03-1\d$/) });
    expect(smtp.arrived.length).toBe(before);
  });

  it('refuses a bad template with the field and the rule, and writes nothing', async () => {
    const { apiKey: key, id: tenantId } = await t.createTenant({ name: 'Bad templates', sandbox: true, businessDate: '2019-02-10' });
    const put = async (name: string, body: unknown) => t.request('PUT', `/v1/email-templates/${name}`, { key, body });
    const rule = async (name: string, body: unknown) => {
      const response = await put(name, body);
      expect(response.status).toBe(400);
      return response.body.details.map((d: { field: string; rule: string }) => `${d.field}:${d.rule}`);
    };
    expect(await rule('contactReminder', { subject: 'Hi {{accountName', text: 'x' })).toEqual(['subject:templateSyntax']);
    expect(await rule('contactReminder', { subject: 'Hi', text: 'Your {{invoiceId}}' })).toEqual(['text:knownVariable']);
    expect(await rule('paymentFailed', { subject: 'Hi', text: 'x', html: '{{#amount}}<b>{{/total}}' })).toEqual(['html:templateSyntax']);
    expect(await rule('paymentFailed', { subject: 'Hi', text: 'x', html: '<p>{{{secret}}}</p>' })).toEqual(['html:knownVariable']);
    expect(await rule('paymentFailed', { text: 'x' })).toEqual(['subject:required']);
    expect(await rule('paymentFailed', { subject: 'x', text: 'x', extra: 1 })).toEqual(['extra:unknownField']);
    expect((await put('dunning', { subject: 'x', text: 'x' })).status).toBe(404);
    const log = await t.app.get<EventStore>(EVENT_STORE).readAll({ after: 0, maxCount: 100_000 });
    expect(log.filter((e) => e.type === 'EmailTemplateSet' && e.metadata.tenantId === tenantId)).toEqual([]);
    const listed = (await t.request('GET', '/v1/email-templates', { key })).body.items;
    expect(listed.map((item: { name: string; custom: boolean; enabled: boolean }) => [item.name, item.custom, item.enabled])).toEqual([
      ['contactReminder', false, true],
      ['invoicePosted', false, false],
      ['paymentFailed', false, true],
    ]);
  });
});

describe("Email over HTTP: a production tenant's contact reminder, retried", () => {
  it('reaches the SMTP server after two refusals, with the attempts recorded', async () => {
    const smtp = await smtpServer(2);
    const t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, WEBHOOK_RETRY_BASE_MS: '20', BUSINESS_DAY_TICK_MS: '20' } });
    try {
      const { apiKey: key } = await t.createTenant({ name: 'Prod reminders' });
      expect((await t.request('POST', '/v1/accounts', { key, body: { id: 'm1', name: 'Mary', currency: 'EUR', contact: { email: 'mary@example.com' } } })).status).toBe(201);
      t.clock.set(new Date(t.clock.now().getTime() + 8 * 24 * 3600 * 1000)); // seven business days later the reminder is due
      const [mail] = await until('the reminder arrived', () => smtp.arrived.length >= 1 && smtp.arrived, 20_000);
      expect(mail.to).toEqual(['mary@example.com']);
      expect(header(mail.raw, 'Subject')).toBe('Please complete your contact details');
      expect(body(mail.raw)).toContain('Hello Mary,');
      expect(body(mail.raw)).toContain('Your account m1 is still missing: phone.');
      const listed = await until('listed as sent', async () => {
        const items = (await t.request('GET', '/v1/emails', { key })).body.items;
        return items.length === 1 && items[0].status === 'sent' && items;
      });
      expect(listed[0]).toMatchObject({ notice: 'contactReminder', attempts: 3, lastError: expect.stringContaining('try again later') });
    } finally {
      await t.close();
      await smtp.close();
    }
  });
});
