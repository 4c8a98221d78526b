/// <reference types="jest" />
/**
 * The one contract every PaymentGateway adapter passes; each adapter's spec calls `paymentGatewayContract` (the
 * sandbox's spec; a Stripe adapter's would run it in test mode with its own test tokens). Every test uses fresh
 * idempotency keys, so a gateway shared with other tests (a processor's test account) works too.
 */
import { randomUUID } from 'node:crypto';
import { ChargeOutcome, ChargeRequest, IdempotencyKeyReusedError, PaymentGateway } from './payment-gateway.port';

export interface PaymentGatewayContractOptions {
  /** The adapter's tokens for each behaviour. A processor that cannot force an error or a timeout leaves them out. */
  tokens: {
    approve: string;
    decline: string;
    insufficientFunds: string;
    /** A token the gateway does not know: verify refuses it, a charge never succeeds. */
    refused: string;
    gatewayError?: string;
    timeout?: string;
  };
  currency?: string;
  /** Called after every test's gateway work is done (close a file, remove a temp folder). */
  cleanup?: () => Promise<void>;
}

export function paymentGatewayContract(name: string, makeGateway: () => Promise<PaymentGateway>, options: PaymentGatewayContractOptions): void {
  const { tokens } = options;
  const currency = options.currency ?? 'USD';
  const itIf = (token: string | undefined) => (token === undefined ? it.skip : it);

  describe(`PaymentGateway contract: ${name}`, () => {
    let gateway: PaymentGateway;

    beforeAll(async () => {
      gateway = await makeGateway();
    });

    afterAll(async () => {
      await options.cleanup?.();
    });

    const charge = (token: string, amount = 5000, idempotencyKey = newKey()): Promise<ChargeOutcome> =>
      gateway.charge(request(token, amount, idempotencyKey));
    const request = (token: string, amount: number, idempotencyKey: string): ChargeRequest => ({
      idempotencyKey,
      token,
      amount,
      currency,
      description: `contract ${idempotencyKey}`,
    });

    /** A succeeded charge of `amount`, for the refund tests. */
    async function chargeId(amount: number): Promise<string> {
      const outcome = await charge(tokens.approve, amount);
      if (outcome.status !== 'succeeded') throw new Error(`expected a succeeded charge, got ${JSON.stringify(outcome)}`);
      return outcome.chargeId;
    }

    describe('verify', () => {
      it.each(['card', 'bankDebit'] as const)('accepts the approving token as a %s and answers its last 4 digits', async (type) => {
        const result = await gateway.verify({ type, token: tokens.approve });
        expect(result).toEqual({ ok: true, last4: expect.stringMatching(/^[0-9]{4}$/) });
      });

      it('accepts the tokens whose charges are declined: verifying moves no money and says nothing of funds', async () => {
        for (const token of [tokens.decline, tokens.insufficientFunds]) {
          expect(await gateway.verify({ type: 'card', token })).toMatchObject({ ok: true });
        }
      });

      it('refuses a token it does not know, saying why', async () => {
        const result = await gateway.verify({ type: 'card', token: tokens.refused });
        expect(result).toEqual({ ok: false, reason: expect.stringMatching(/\S/) });
      });
    });

    describe('charge, by token', () => {
      it('takes the money from the approving token', async () => {
        expect(await charge(tokens.approve)).toEqual({ status: 'succeeded', chargeId: expect.stringMatching(/\S/), amount: expect.any(Number) });
      });

      it('answers a decline', async () => {
        expect(await charge(tokens.decline)).toEqual({ status: 'declined', reason: 'declined', chargeId: expect.stringMatching(/\S/) });
      });

      it('answers a decline for insufficient funds', async () => {
        expect(await charge(tokens.insufficientFunds)).toEqual({
          status: 'declined',
          reason: 'insufficientFunds',
          chargeId: expect.stringMatching(/\S/),
        });
      });

      it('never takes money from a token it does not know', async () => {
        expect((await charge(tokens.refused)).status).toBe('declined');
      });

      itIf(tokens.gatewayError)('answers a retryable failure for a gateway error, every time, and lookup never finds money taken', async () => {
        for (let attempt = 0; attempt < 2; attempt++) {
          const key = newKey();
          expect(await charge(tokens.gatewayError as string, 5000, key)).toEqual({ status: 'failed', retryable: true, reason: expect.any(String) });
          expect([null, 'failed']).toContain((await gateway.lookup(key))?.status ?? null);
        }
      });
    });

    describe('idempotency', () => {
      it('answers a repeated charge with its first outcome and the same charge id', async () => {
        const key = newKey();
        const first = await charge(tokens.approve, 5000, key);
        expect(await charge(tokens.approve, 5000, key)).toEqual(first);
        expect(await gateway.lookup(key)).toEqual(first);
      });

      it('answers a repeated declined charge with its first outcome too', async () => {
        const key = newKey();
        const first = await charge(tokens.insufficientFunds, 5000, key);
        expect(await charge(tokens.insufficientFunds, 5000, key)).toEqual(first);
        expect(await gateway.lookup(key)).toEqual(first);
      });

      it('looks up a key it never saw as null', async () => {
        expect(await gateway.lookup(newKey())).toBeNull();
      });

      it('throws when a key comes again with another amount or token, and keeps the first charge', async () => {
        const key = newKey();
        const first = await charge(tokens.approve, 5000, key);

        await expect(charge(tokens.approve, 5001, key)).rejects.toThrow(IdempotencyKeyReusedError);
        await expect(charge(tokens.decline, 5000, key)).rejects.toThrow(/different token/);
        expect(await gateway.lookup(key)).toEqual(first);
      });

      it('answers two concurrent charges with one key alike', async () => {
        const key = newKey();
        const [a, b] = await Promise.all([charge(tokens.approve, 700, key), charge(tokens.approve, 700, key)]);
        expect(a).toEqual(b);
      });
    });

    describe('a timeout', () => {
      itIf(tokens.timeout)('answers unknown, is never settled by charging again, and lookup finds it succeeded', async () => {
        const key = newKey();
        expect(await charge(tokens.timeout as string, 5000, key)).toEqual({ status: 'unknown' });
        // Asked again with the key, a processor answers from its books (or times out again): never a second charge.
        expect(['unknown', 'succeeded']).toContain((await charge(tokens.timeout as string, 5000, key)).status);

        const settled = await gateway.lookup(key);
        expect(settled).toEqual({ status: 'succeeded', chargeId: expect.stringMatching(/\S/), amount: expect.any(Number) });
        expect(await gateway.lookup(key)).toEqual(settled);
      });

      itIf(tokens.timeout)('leaves a charge that can be refunded like any other', async () => {
        const key = newKey();
        await charge(tokens.timeout as string, 900, key);
        const settled = await gateway.lookup(key);
        const outcome = await gateway.refund({ idempotencyKey: newKey(), chargeId: (settled as { chargeId: string }).chargeId, amount: 900 });
        expect(outcome).toEqual({ status: 'succeeded', refundId: expect.stringMatching(/\S/) });
      });
    });

    describe('refund', () => {
      it('gives back a whole charge once, then refuses more (not retryable)', async () => {
        const id = await chargeId(5000);
        expect(await gateway.refund({ idempotencyKey: newKey(), chargeId: id, amount: 5000 })).toEqual({
          status: 'succeeded',
          refundId: expect.stringMatching(/\S/),
        });
        expect(await gateway.refund({ idempotencyKey: newKey(), chargeId: id, amount: 1 })).toEqual({
          status: 'failed',
          retryable: false,
          reason: expect.any(String),
        });
      });

      it('gives back parts up to what is left, never more', async () => {
        const id = await chargeId(5000);
        expect((await gateway.refund({ idempotencyKey: newKey(), chargeId: id, amount: 2000 })).status).toBe('succeeded');
        expect(await gateway.refund({ idempotencyKey: newKey(), chargeId: id, amount: 3001 })).toMatchObject({ status: 'failed', retryable: false });
        expect((await gateway.refund({ idempotencyKey: newKey(), chargeId: id, amount: 3000 })).status).toBe('succeeded');
      });

      it('answers a repeated refund with its first outcome and moves no money twice', async () => {
        const id = await chargeId(5000);
        const key = newKey();
        const first = await gateway.refund({ idempotencyKey: key, chargeId: id, amount: 3000 });
        expect(await gateway.refund({ idempotencyKey: key, chargeId: id, amount: 3000 })).toEqual(first);
        // Had the repeat moved money, only 0 would be left.
        expect((await gateway.refund({ idempotencyKey: newKey(), chargeId: id, amount: 2000 })).status).toBe('succeeded');
      });

      it('throws when a refund key comes again with another amount', async () => {
        const id = await chargeId(5000);
        const key = newKey();
        await gateway.refund({ idempotencyKey: key, chargeId: id, amount: 1000 });
        await expect(gateway.refund({ idempotencyKey: key, chargeId: id, amount: 1001 })).rejects.toThrow(IdempotencyKeyReusedError);
      });

      it('refuses to refund a declined charge or one it does not know', async () => {
        const declined = await charge(tokens.decline);
        const declinedId = (declined as { chargeId: string }).chargeId;
        expect(await gateway.refund({ idempotencyKey: newKey(), chargeId: declinedId, amount: 1 })).toMatchObject({ status: 'failed', retryable: false });
        expect(await gateway.refund({ idempotencyKey: newKey(), chargeId: `ch_${randomUUID()}`, amount: 1 })).toMatchObject({
          status: 'failed',
          retryable: false,
        });
      });
    });
  });
}

function newKey(): string {
  return `contract-${randomUUID()}`;
}
