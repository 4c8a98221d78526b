import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../libs/platform/read-store/read-store.port';
import { EMAIL_TEMPLATES } from '../../libs/notifications/read-model';
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

  it("emails a dunning step's notices: one per notify action, from the template it names, under the action's email id", async () => {
    const { apiKey: key, id: tenantId } = await t.createTenant({ name: 'Dunning mail' });
    const before = smtp.arrived.length;
    const set = await t.request('PUT', '/v1/email-templates/finalWarning', {
      key,
      body: { subject: 'Step {{step}}: {{pastDue}} {{currency}} past due', text: 'Dear {{accountName}} ({{accountId}}), as of {{date}} under {{processId}}: {{pastDue}} {{currency}}.' },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: 'finalWarning', variables: ['accountId', 'accountName', 'step', 'date', 'pastDue', 'currency', 'processId'], custom: true });
    const bad = await t.request('PUT', '/v1/email-templates/Final.Warning', { key, body: { subject: 'x', text: 'x' } });
    expect([bad.status, bad.body.details.map((d: { field: string; rule: string }) => `${d.field}:${d.rule}`)]).toEqual([400, ['name:templateName']]);
    expect((await t.request('PUT', '/v1/email-templates/lateNotice', { key, body: { subject: '{{invoiceId}}', text: 'x' } })).body.details[0]).toMatchObject({ field: 'subject', rule: 'knownVariable' });
    expect((await t.request('GET', '/v1/email-templates/finalWarning', { key })).body).toMatchObject({ name: 'finalWarning', custom: true, text: expect.stringContaining('Dear') });
    expect((await t.request('GET', '/v1/email-templates/lateNotice', { key })).status).toBe(404);
    const names = (await t.request('GET', '/v1/email-templates', { key })).body.items.map((item: { name: string }) => item.name);
    expect(names).toEqual(['contactReminder', 'invoicePosted', 'paymentFailed', 'dunningNotice', 'webhookEndpointDisabled', 'finalWarning']);
    // What the dunning definitions check when a process names a template.
    await t.settledHead();
    const store = t.app.get<ReadStore>(READ_STORE);
    expect(await store.get(EMAIL_TEMPLATES, tenantId, 'finalWarning')).not.toBeNull();
    expect(await store.get(EMAIL_TEMPLATES, tenantId, 'lateNotice')).toBeNull();

    expect((await t.request('POST', '/v1/accounts', { key, body: { id: 'd1', name: 'Dora', currency: 'USD', contact: { email: 'dora@example.com' } } })).status).toBe(201);
    // The dunning case's event, as the dunning context writes it (appended here directly).
    const metadata = { tenantId, commandId: 'dun-cmd-1', correlationId: 'dun-cmd-1', causationId: 'dun-cmd-1', actor: 'system', businessDate: '2026-11-22' };
    const data = {
      accountId: 'd1',
      caseId: 'd1:1',
      processId: 'standard',
      processVersion: 1,
      step: 2,
      date: '2026-11-22',
      actions: [
        { type: 'retryCollection', paymentId: 'dun-pay-1' },
        { type: 'notify', template: 'finalWarning', emailId: 'c0ffee00-0000-4000-8000-000000000001' },
        { type: 'notify', template: 'dunningNotice', emailId: 'c0ffee00-0000-4000-8000-000000000002' },
      ],
      currency: 'USD',
      pastDue: 4250,
      nextStep: null,
      nextStepDate: null,
    };
    await t.app.get<EventStore>(EVENT_STORE).appendToStream(`dunning-${tenantId}.d1`, [{ id: 'c0ffee00-0000-4000-8000-0000000000ee', type: 'DunningStepAdvanced', data, metadata }], 'no_stream');

    const mails = await until('both notices arrived', () => smtp.arrived.length >= before + 2 && smtp.arrived.slice(before));
    const bySubject = Object.fromEntries(mails.map((mail) => [header(mail.raw, 'Subject'), mail]));
    expect(Object.keys(bySubject).sort()).toEqual(['Step 2: 42.50 USD past due', 'Your account d1 is past due: 42.50 USD']);
    expect(bySubject['Step 2: 42.50 USD past due'].raw).toContain('Dear Dora (d1), as of 2026-11-22 under standard: 42.50 USD.');
    expect(mails.every((mail) => mail.to[0] === 'dora@example.com')).toBe(true);
    const emails = await until('both listed as sent', async () => {
      const items = (await t.request('GET', '/v1/emails', { key })).body.items;
      return items.length === 2 && items.every((e: { status: string }) => e.status === 'sent') && items;
    });
    expect(emails.map((e: { id: string; notice: string }) => [e.id, e.notice]).sort()).toEqual([
      ['c0ffee00-0000-4000-8000-000000000001', 'finalWarning'],
      ['c0ffee00-0000-4000-8000-000000000002', 'dunningNotice'],
    ]);
    await t.settledHead();
    expect(smtp.arrived.length).toBe(before + 2);
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
    expect(await rule('9lives', { subject: 'x', text: 'x' })).toEqual(['name:templateName']);
    const log = await t.app.get<EventStore>(EVENT_STORE).readAll({ after: 0, maxCount: 100_000 });
    expect(log.filter((e) => e.type === 'EmailTemplateSet' && e.metadata.tenantId === tenantId)).toEqual([]);
    const listed = (await t.request('GET', '/v1/email-templates', { key })).body.items;
    expect(listed.map((item: { name: string; custom: boolean; enabled: boolean }) => [item.name, item.custom, item.enabled])).toEqual([
      ['contactReminder', false, true],
      ['invoicePosted', false, false],
      ['paymentFailed', false, true],
      ['dunningNotice', false, true],
      ['webhookEndpointDisabled', false, true],
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

describe('Email over HTTP: after a restart', () => {
  it('sends the emails a stopped process left queued, without the process manager issuing them again', async () => {
    const refusing = await smtpServer(Number.MAX_SAFE_INTEGER);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'billing-email-resume-'));
    // A retry far away: the first process stops with the email queued and its retry only in its memory.
    const first = await startTestApp({ dataDir, env: { SMTP_URL: `smtp://127.0.0.1:${refusing.port}`, WEBHOOK_RETRY_BASE_MS: '600000' } });
    let key = '';
    try {
      ({ apiKey: key } = await first.createTenant({ name: 'Resume mail' }));
      const post = (route: string, body: unknown) => first.request('POST', route, { key, body });
      expect((await post('/v1/accounts', { id: 'q1', name: 'Quinn', currency: 'USD', contact: { email: 'quinn@example.com' } })).status).toBe(201);
      expect((await post('/v1/accounts/q1/payment-methods', { id: 'bad', type: 'card', token: 'tok_decline' })).status).toBe(201);
      expect((await post('/v1/payments', { id: 'pay-q', accountId: 'q1', amount: 700, currency: 'USD', source: 'paymentMethod', paymentMethodId: 'bad' })).body).toMatchObject({ status: 'failed' });
      await until('one refused attempt', async () => {
        const items = (await first.request('GET', '/v1/emails', { key })).body.items;
        return items.length === 1 && items[0].attempts === 1 && items[0].status === 'queued';
      });
      await first.settledHead();
    } finally {
      await first.close({ keepData: true });
      await refusing.close();
    }

    const smtp = await smtpServer();
    const second = await startTestApp({ dataDir, env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, WEBHOOK_RETRY_BASE_MS: '600000' } });
    try {
      const [mail] = await until('the queued email arrived', () => smtp.arrived.length >= 1 && smtp.arrived);
      expect(mail.to).toEqual(['quinn@example.com']);
      expect(header(mail.raw, 'Subject')).toBe('Your payment of 7.00 USD failed');
      const items = await until('listed as sent', async () => {
        const listed = (await second.request('GET', '/v1/emails', { key })).body.items;
        return listed.length === 1 && listed[0].status === 'sent' && listed;
      });
      expect(items[0]).toMatchObject({ attempts: 2, notice: 'paymentFailed' });
      await second.settledHead();
      expect(smtp.arrived).toHaveLength(1);
    } finally {
      await second.close();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
