import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxGateway, SANDBOX_GATEWAY_FILE } from './index';
import { paymentGatewayContract } from './payment-gateway.contract';
import { ChargeRequest, IdempotencyKeyReusedError } from './payment-gateway.port';
import { SANDBOX_TOKENS, SandboxGateway } from './sandbox-gateway';

const TOKENS = {
  approve: 'tok_approve',
  decline: 'tok_decline',
  insufficientFunds: 'tok_insufficient_funds',
  refused: 'tok_unknown',
  gatewayError: 'tok_gateway_error',
  timeout: 'tok_timeout',
};

const inMemory: SandboxGateway[] = [];
paymentGatewayContract(
  'SandboxGateway (:memory:)',
  async () => {
    const gateway = new SandboxGateway({ file: ':memory:' });
    inMemory.push(gateway);
    return gateway;
  },
  { tokens: TOKENS, cleanup: async () => inMemory.splice(0).forEach((g) => g.close()) },
);

const contractDir = mkdtempSync(join(tmpdir(), 'sandbox-gateway-contract-'));
let fileGateway: SandboxGateway | undefined;
paymentGatewayContract(
  'SandboxGateway (file)',
  async () => (fileGateway = new SandboxGateway({ file: join(contractDir, 'books', SANDBOX_GATEWAY_FILE) })),
  {
    tokens: TOKENS,
    currency: 'EUR',
    cleanup: async () => {
      fileGateway?.close();
      rmSync(contractDir, { recursive: true, force: true });
    },
  },
);

describe('SandboxGateway', () => {
  let dir: string;
  const opened: SandboxGateway[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-gateway-'));
  });

  afterEach(() => {
    opened.splice(0).forEach((gateway) => gateway.close());
    rmSync(dir, { recursive: true, force: true });
  });

  function open(file = join(dir, SANDBOX_GATEWAY_FILE)): SandboxGateway {
    const gateway = new SandboxGateway({ file });
    opened.push(gateway);
    return gateway;
  }

  const request = (idempotencyKey: string, token: string, amount = 5000): ChargeRequest => ({
    idempotencyKey,
    token,
    amount,
    currency: 'USD',
    description: `invoice for ${idempotencyKey}`,
  });

  describe('verify', () => {
    it.each([
      ['tok_approve', '4242'],
      ['tok_decline', '0002'],
      ['tok_insufficient_funds', '9995'],
      ['tok_gateway_error', '0119'],
      ['tok_timeout', '0341'],
    ])('accepts %s with last4 %s', async (token, last4) => {
      expect(await open().verify({ type: 'card', token })).toEqual({ ok: true, last4 });
      expect(SANDBOX_TOKENS[token as keyof typeof SANDBOX_TOKENS].last4).toBe(last4);
    });

    it('refuses any other token, naming the accepted ones', async () => {
      expect(await open().verify({ type: 'card', token: 'pm_card_visa' })).toEqual({
        ok: false,
        reason: 'token "pm_card_visa" is not a sandbox token: use one of tok_approve, tok_decline, tok_insufficient_funds, tok_gateway_error, tok_timeout',
      });
      expect(await open().verify({ type: 'card', token: 'toString' })).toMatchObject({ ok: false });
    });

    it('refuses an unknown type', async () => {
      expect(await open().verify({ type: 'cash' as never, token: 'tok_approve' })).toEqual({
        ok: false,
        reason: 'type must be card or bankDebit (got "cash")',
      });
    });
  });

  describe('the books', () => {
    it('counts money taken per key: once however often the key is asked; never for a decline or a gateway error', async () => {
      const gateway = open();
      for (let i = 0; i < 3; i++) await gateway.charge(request('inv-1', 'tok_approve'));
      await gateway.charge(request('inv-2', 'tok_decline'));
      await gateway.charge(request('inv-3', 'tok_gateway_error'));
      await gateway.charge(request('inv-3', 'tok_gateway_error'));

      expect(['inv-1', 'inv-2', 'inv-3', 'inv-4'].map((key) => gateway.chargeCount(key))).toEqual([1, 0, 0, 0]);
      expect(gateway.charges().map((c) => [c.idempotencyKey, c.status, c.requests])).toEqual([
        ['inv-1', 'succeeded', 3],
        ['inv-2', 'declined', 1],
        ['inv-3', 'failed', 2],
      ]);
    });

    it('takes a timed-out charge once: every charge call answers unknown, lookup answers succeeded', async () => {
      const gateway = open();
      expect(await gateway.charge(request('inv-1', 'tok_timeout'))).toEqual({ status: 'unknown' });
      expect(await gateway.charge(request('inv-1', 'tok_timeout'))).toEqual({ status: 'unknown' });

      expect(gateway.chargeCount('inv-1')).toBe(1);
      expect(gateway.charges()[0]).toMatchObject({ status: 'succeeded', answeredUnknown: true, requests: 2 });
      expect(await gateway.lookup('inv-1')).toEqual({ status: 'succeeded', chargeId: gateway.charges()[0].chargeId, amount: gateway.charges()[0].amount });
    });

    it('declines a token it does not know, taking nothing', async () => {
      const gateway = open();
      expect(await gateway.charge(request('inv-1', 'tok_whatever'))).toMatchObject({ status: 'declined', reason: 'declined' });
      expect(gateway.chargeCount('inv-1')).toBe(0);
    });

    it('keeps what each charge was for, and what was refunded of it', async () => {
      const gateway = open();
      const outcome = await gateway.charge(request('inv-1', 'tok_approve', 1234));
      const chargeId = (outcome as { chargeId: string }).chargeId;
      await gateway.refund({ idempotencyKey: 'rf-1', chargeId, amount: 234 });
      await gateway.refund({ idempotencyKey: 'rf-2', chargeId, amount: 1001 });

      expect(gateway.charges()).toEqual([
        {
          idempotencyKey: 'inv-1',
          token: 'tok_approve',
          amount: 1234,
          currency: 'USD',
          description: 'invoice for inv-1',
          status: 'succeeded',
          chargeId,
          reason: null,
          answeredUnknown: false,
          refunded: 234,
          requests: 1,
        },
      ]);
      expect(gateway.refunds().map((r) => [r.idempotencyKey, r.status, r.amount, r.reason])).toEqual([
        ['rf-1', 'succeeded', 234, null],
        ['rf-2', 'failed', 1001, `refund of 1001 exceeds what is left of charge ${chargeId} (1000 of 1234 USD)`],
      ]);
    });

    it('throws on a key reused with another currency, naming it', async () => {
      const gateway = open();
      await gateway.charge(request('inv-1', 'tok_approve'));
      await expect(gateway.charge({ ...request('inv-1', 'tok_approve'), currency: 'EUR' })).rejects.toThrow(
        new IdempotencyKeyReusedError('inv-1', ['currency']),
      );
      // The description is what the processor shows, not what is charged: a repeat may word it differently.
      expect(await gateway.charge({ ...request('inv-1', 'tok_approve'), description: 'reworded' })).toMatchObject({ status: 'succeeded' });
    });

    it('books the charge calls of one turn together: each answered as alone, a reused key refused alone, a key asked twice charged once', async () => {
      const gateway = open();
      await gateway.charge(request('inv-0', 'tok_approve'));

      const outcomes = await Promise.allSettled([
        gateway.charge(request('inv-1', 'tok_approve')),
        gateway.charge(request('inv-2', 'tok_decline')),
        gateway.charge({ ...request('inv-0', 'tok_approve'), currency: 'EUR' }),
        gateway.charge(request('inv-1', 'tok_approve')),
        gateway.charge(request('inv-3', 'tok_timeout')),
      ]);

      expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.status : outcome.reason))).toEqual([
        'succeeded',
        'declined',
        new IdempotencyKeyReusedError('inv-0', ['currency']),
        'succeeded',
        'unknown',
      ]);
      expect((outcomes[0] as PromiseFulfilledResult<{ chargeId: string }>).value.chargeId).toBe((outcomes[3] as PromiseFulfilledResult<{ chargeId: string }>).value.chargeId);
      expect(gateway.charges().map((c) => [c.idempotencyKey, c.status, c.requests])).toEqual([
        ['inv-0', 'succeeded', 1],
        ['inv-1', 'succeeded', 2],
        ['inv-2', 'declined', 1],
        ['inv-3', 'succeeded', 1],
      ]);
      expect(['inv-0', 'inv-1', 'inv-2', 'inv-3'].map((key) => gateway.chargeCount(key))).toEqual([1, 1, 0, 1]);
    });

    it('books the charges still queued when it is closed, and refuses charges after', async () => {
      const file = join(dir, 'books', SANDBOX_GATEWAY_FILE);
      const gateway = new SandboxGateway({ file });
      const answered = gateway.charge(request('inv-1', 'tok_approve'));
      gateway.close();
      expect(await answered).toMatchObject({ status: 'succeeded' });
      await expect(gateway.charge(request('inv-2', 'tok_approve'))).rejects.toThrow('the sandbox gateway is closed');
      const reopened = new SandboxGateway({ file });
      expect(reopened.charges().map((c) => c.idempotencyKey)).toEqual(['inv-1']);
      reopened.close();
    });

    it.each([
      ['a zero amount', { amount: 0 }, /amount must be a positive whole number/],
      ['a fractional amount', { amount: 10.5 }, /amount must be a positive whole number/],
      ['a lowercase currency', { currency: 'usd' }, /currency must be an ISO 4217 code/],
      ['an empty key', { idempotencyKey: '' }, /idempotencyKey must be 1 to 255 characters/],
      ['an empty token', { token: '' }, /token must be a non-empty string/],
    ])('throws on %s and books nothing', async (_label, change, message) => {
      const gateway = open();
      await expect(gateway.charge({ ...request('inv-1', 'tok_approve'), ...change })).rejects.toThrow(message);
      expect(gateway.charges()).toEqual([]);
    });
  });

  describe('durability', () => {
    it('keeps charges and refunds in its file: reopened, it answers from the books and never charges twice', async () => {
      const file = join(dir, SANDBOX_GATEWAY_FILE);
      const first = new SandboxGateway({ file });
      const charged = await first.charge(request('inv-1', 'tok_approve', 5000));
      await first.charge(request('inv-2', 'tok_timeout', 700));
      const chargeId = (charged as { chargeId: string }).chargeId;
      const refunded = await first.refund({ idempotencyKey: 'rf-1', chargeId, amount: 3000 });
      first.close();

      const reopened = open(file);
      expect(reopened.charges().map((c) => [c.idempotencyKey, c.status, c.amount])).toEqual([
        ['inv-1', 'succeeded', 5000],
        ['inv-2', 'succeeded', 700],
      ]);
      expect(await reopened.charge(request('inv-1', 'tok_approve', 5000))).toEqual(charged);
      expect(reopened.chargeCount('inv-1')).toBe(1);
      expect(await reopened.lookup('inv-2')).toMatchObject({ status: 'succeeded' });
      expect(await reopened.refund({ idempotencyKey: 'rf-1', chargeId, amount: 3000 })).toEqual(refunded);
      expect(await reopened.refund({ idempotencyKey: 'rf-2', chargeId, amount: 2001 })).toMatchObject({ status: 'failed', retryable: false });
      await expect(reopened.charge(request('inv-1', 'tok_approve', 5001))).rejects.toThrow(IdempotencyKeyReusedError);
    });

    it('shares its books with another process on the same file', async () => {
      const file = join(dir, SANDBOX_GATEWAY_FILE);
      const ours = open(file);
      const theirs = open(file);
      const outcome = await ours.charge(request('inv-1', 'tok_approve'));

      expect(await theirs.lookup('inv-1')).toEqual(outcome);
      expect(await theirs.charge(request('inv-1', 'tok_approve'))).toEqual(outcome);
      expect(ours.charges()[0].requests).toBe(2);
    });

    it('creates its file (and WAL files) 0600 and the folders it makes 0700 under the data folder', async () => {
      const dataDir = join(dir, 'data', 'nested');
      const gateway = createSandboxGateway(dataDir);
      opened.push(gateway);
      await gateway.charge(request('inv-1', 'tok_approve'));

      const file = join(dataDir, 'sandbox-gateway.sqlite');
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect([file, `${file}-wal`, `${file}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      expect([join(dir, 'data'), dataDir].map(mode)).toEqual([0o700, 0o700]);
    });
  });
});
