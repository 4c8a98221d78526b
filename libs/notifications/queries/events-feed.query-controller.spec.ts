import { publishedEvent, publishedEventJson } from '../domain';

/** The feed writes its items as text (publishedEventJson): it must be the very text a webhook delivery's body is. */
describe('the event feed item text', () => {
  const event = (type: string, data: Record<string, unknown>, businessDate: string | undefined = '2026-11-22') => ({
    id: 'e-1',
    type,
    data,
    position: 42,
    recordedAt: '2026-11-22T10:00:00.000Z',
    metadata: { businessDate } as { businessDate: string },
  });
  const cases = [
    event('AccountCreated', { accountId: 'a', name: 'Ünïcode "quoted" \\ back', nested: [{ n: 1.5 }, null, true] }),
    event('InstallmentScheduleCreated', { scheduleId: 's' }), // has a code (760)
    event('PaymentMethodAdded', { accountId: 'a', token: 'tok_secret', card: { secret: 's', last4: '4242' } }), // secrets
    event('AccountCreated', { note: 'says "token": in a value' }),
    event('AccountCreated', { accountId: 'a' }, undefined), // no business date: left out, as JSON.stringify does
  ];

  it.each(cases.map((c) => [c.type, c]))('is JSON.stringify of the webhook body, from the stored data or without it (%s)', (_type, logged) => {
    const expected = JSON.stringify(publishedEvent(logged, 't-1'));
    expect(publishedEventJson(logged, 't-1', JSON.stringify(logged.data))).toBe(expected);
    expect(publishedEventJson(logged, 't-1')).toBe(expected);
  });

  it('never writes a secret field out, even from the stored data', () => {
    const text = publishedEventJson(cases[2], 't-1', JSON.stringify(cases[2].data));
    expect(text).not.toContain('tok_secret');
    expect(JSON.parse(text).data).toEqual({ accountId: 'a', card: { last4: '4242' } });
    expect(JSON.parse(publishedEventJson(cases[1], 't-1', '{"scheduleId":"s"}')).code).toBe(760);
  });
});
