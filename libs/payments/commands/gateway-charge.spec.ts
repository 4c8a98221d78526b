import { SandboxGateway } from '../gateway';
import { ChargeOutcomeUnknownError, settledCharge } from './gateway-charge';

describe('settledCharge', () => {
  let gateway: SandboxGateway;
  beforeEach(() => {
    gateway = new SandboxGateway({ file: ':memory:' });
  });
  afterEach(() => gateway.close());

  const request = (token: string, amount = 6000) => ({ idempotencyKey: 'tenant:payment:col:inv-1:1', token, amount, currency: 'USD', description: 'test' });

  it('charges once; asked again (a retry after a crash) it answers from the books, with what was charged, even for another amount', async () => {
    const first = await settledCharge(gateway, request('tok_approve'));
    expect(first).toMatchObject({ status: 'succeeded', amount: 6000 });
    // The balance changed before the retry: the gateway is not asked to charge again (it would refuse the key's reuse).
    expect(await settledCharge(gateway, request('tok_approve', 3500))).toEqual(first);
    expect(gateway.chargeCount('tenant:payment:col:inv-1:1')).toBe(1);
    expect(gateway.charges()[0].requests).toBe(1);
  });

  it('settles a timeout by looking the key up, never by charging again', async () => {
    expect(await settledCharge(gateway, request('tok_timeout'))).toMatchObject({ status: 'succeeded', amount: 6000 });
    expect(gateway.chargeCount('tenant:payment:col:inv-1:1')).toBe(1);
  });

  it('passes a decline and a gateway error on; an outcome the gateway cannot tell is an error to try later', async () => {
    expect(await settledCharge(gateway, request('tok_decline'))).toMatchObject({ status: 'declined', reason: 'declined' });
    expect(await settledCharge(gateway, { ...request('tok_gateway_error'), idempotencyKey: 'other' })).toMatchObject({ status: 'failed', retryable: true });
    const silent = { charge: async () => ({ status: 'unknown' as const }), lookup: async () => null, verify: gateway.verify.bind(gateway), refund: gateway.refund.bind(gateway) };
    await expect(settledCharge(silent, request('tok_approve'))).rejects.toBeInstanceOf(ChargeOutcomeUnknownError);
  });
});
