import Database from 'better-sqlite3';
import { openWalDatabase } from '../../platform/sqlite/wal-mode';
import { assertNever } from '../../shared-kernel/decider';
import { deterministicUuid } from '../../shared-kernel/ids';
import {
  ChargeOutcome,
  ChargeRequest,
  IdempotencyKeyReusedError,
  PaymentGateway,
  RefundOutcome,
  RefundRequest,
  VerifyRequest,
  VerifyResult,
} from './payment-gateway.port';

/**
 * The sandbox gateway: the default PaymentGateway adapter, deterministic by token (API.md, "Payments"), so every
 * path of collection and dunning can be tried without a processor. What each token does:
 */
export const SANDBOX_TOKENS = {
  /** The charge succeeds. */
  tok_approve: { last4: '4242' },
  /** Declined by the issuer. */
  tok_decline: { last4: '0002' },
  /** Declined: insufficient funds. */
  tok_insufficient_funds: { last4: '9995' },
  /** The gateway errs every time (retryable); no money moves. */
  tok_gateway_error: { last4: '0119' },
  /** The charge succeeds but its answer never comes (`unknown`); `lookup` with the same key answers succeeded. */
  tok_timeout: { last4: '0341' },
} as const;

export type SandboxToken = keyof typeof SANDBOX_TOKENS;

const ACCEPTED = Object.keys(SANDBOX_TOKENS).join(', ');

/** One charge request the sandbox answered, as its books hold it (one per idempotency key). */
export interface SandboxCharge {
  idempotencyKey: string;
  token: string;
  amount: number;
  currency: string;
  description: string;
  /** What really happened. `failed`: a gateway error, no charge was made. */
  status: 'succeeded' | 'declined' | 'failed';
  chargeId: string | null;
  reason: string | null;
  /** The charge call answered `unknown` (tok_timeout); the money was taken all the same. */
  answeredUnknown: boolean;
  /** Succeeded refunds so far, minor units. */
  refunded: number;
  /** How many charge calls came with this key (repeats are answered from the books). */
  requests: number;
}

export interface SandboxRefund {
  idempotencyKey: string;
  chargeId: string;
  amount: number;
  status: 'succeeded' | 'failed';
  refundId: string | null;
  reason: string | null;
}

export interface SandboxGatewayOptions {
  /** The books: a SQLite file (created 0600, its folders 0700) that outlives our process, or ':memory:'. */
  file: string;
  /** How long a call waits for another process holding the file's write lock. Default 5,000 ms. */
  busyTimeoutMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS charges (
    sequence         INTEGER PRIMARY KEY,
    idempotency_key  TEXT    NOT NULL UNIQUE,
    token            TEXT    NOT NULL,
    amount           INTEGER NOT NULL,
    currency         TEXT    NOT NULL,
    description      TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('succeeded', 'declined', 'failed')),
    charge_id        TEXT    UNIQUE,
    reason           TEXT,
    answered_unknown INTEGER NOT NULL,
    requests         INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS refunds (
    sequence        INTEGER PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    charge_id       TEXT    NOT NULL,
    amount          INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('succeeded', 'failed')),
    refund_id       TEXT    UNIQUE,
    reason          TEXT,
    retryable       INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS refunds_charge ON refunds (charge_id);
`;

interface ChargeRow {
  idempotency_key: string;
  token: string;
  amount: number;
  currency: string;
  description: string;
  status: SandboxCharge['status'];
  charge_id: string | null;
  reason: string | null;
  answered_unknown: number;
  requests: number;
  refunded: number;
}

interface RefundRow {
  idempotency_key: string;
  charge_id: string;
  amount: number;
  status: SandboxRefund['status'];
  refund_id: string | null;
  reason: string | null;
  retryable: number;
}

const CHARGE_COLUMNS = `c.*, (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r WHERE r.charge_id = c.charge_id AND r.status = 'succeeded') AS refunded`;

/** A charge call waiting for the next group of bookings. */
interface QueuedCharge {
  request: ChargeRequest;
  resolve(row: ChargeRow): void;
  reject(error: unknown): void;
}

type Booking = { ok: true; row: ChargeRow } | { ok: false; error: unknown };

export class SandboxGateway implements PaymentGateway {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly bookCharges: (requests: ChargeRequest[]) => Booking[];
  /** Charge calls of this event-loop turn, booked together on the next (see `charge`). */
  private queued: QueuedCharge[] = [];

  constructor(options: SandboxGatewayOptions) {
    this.db = open(options.file, options.busyTimeoutMs ?? 5_000);
    this.statements = prepare(this.db);
    // IMMEDIATE: the check for each key and its booking are one step, even against another process on the file.
    this.bookCharges = this.db.transaction((requests: ChargeRequest[]) => requests.map((request) => this.book(request))).immediate;
  }

  async verify(method: VerifyRequest): Promise<VerifyResult> {
    if (method.type !== 'card' && method.type !== 'bankDebit') {
      return { ok: false, reason: `type must be card or bankDebit (got ${JSON.stringify(method.type)})` };
    }
    if (!isSandboxToken(method.token)) {
      return { ok: false, reason: `token ${JSON.stringify(method.token)} is not a sandbox token: use one of ${ACCEPTED}` };
    }
    return { ok: true, last4: SANDBOX_TOKENS[method.token].last4 };
  }

  /**
   * Booked with the other charge calls of this event-loop turn in one transaction on the next (one per charge was 8%
   * of a dunning day's main thread); answered once committed: an answered charge is in the books, whatever happens.
   */
  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    assertChargeRequest(request);
    const row = await new Promise<ChargeRow>((resolve, reject) => {
      if (!this.db.open) return reject(new Error('the sandbox gateway is closed'));
      this.queued.push({ request, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.bookQueued());
    });
    // The timeout is on the way back: every charge call with the key gets no answer, only lookup knows.
    return row.answered_unknown ? { status: 'unknown' } : outcomeOf(row);
  }

  async lookup(idempotencyKey: string): Promise<ChargeOutcome | null> {
    const row = this.statements.chargeByKey.get(idempotencyKey);
    return row === undefined ? null : outcomeOf(row);
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    assertRefundRequest(request);
    const row = this.db
      .transaction((): RefundRow => {
        const booked = this.statements.refundByKey.get(request.idempotencyKey);
        if (booked !== undefined) {
          const differing = differingFields({ charge_id: booked.charge_id, amount: booked.amount }, { charge_id: request.chargeId, amount: request.amount }, ['charge_id', 'amount']);
          if (differing.length > 0) throw new IdempotencyKeyReusedError(request.idempotencyKey, differing.map((f) => (f === 'charge_id' ? 'chargeId' : f)));
          return booked;
        }
        const refund = this.decideRefund(request);
        this.statements.insertRefund.run(refund);
        return refund;
      })
      .immediate();
    return row.status === 'succeeded'
      ? { status: 'succeeded', refundId: row.refund_id as string }
      : { status: 'failed', retryable: row.retryable === 1, reason: row.reason ?? 'refused' };
  }

  /** Every charge request answered, oldest first: tests read the books here. */
  charges(): SandboxCharge[] {
    return this.statements.allCharges.all().map(toSandboxCharge);
  }

  /** How many times money was taken under this key: 0 or 1, whatever happened to our process in between. */
  chargeCount(idempotencyKey: string): number {
    return this.statements.takenCount.get(idempotencyKey) as number;
  }

  refunds(): SandboxRefund[] {
    return this.statements.allRefunds.all().map((row) => ({
      idempotencyKey: row.idempotency_key,
      chargeId: row.charge_id,
      amount: row.amount,
      status: row.status,
      refundId: row.refund_id,
      reason: row.reason,
    }));
  }

  /** Books the charges still queued, then closes the file. */
  close(): void {
    this.bookQueued();
    if (this.db.open) this.db.close();
  }

  private bookQueued(): void {
    const queued = this.queued;
    this.queued = [];
    if (queued.length === 0) return;
    let bookings: Booking[];
    try {
      if (!this.db.open) throw new Error('the sandbox gateway is closed'); // never left waiting
      bookings = this.bookCharges(queued.map((charge) => charge.request));
    } catch (error) {
      // The transaction failed (the file, a lock held too long): nothing of the group was booked.
      for (const charge of queued) charge.reject(error);
      return;
    }
    bookings.forEach((booking, i) => (booking.ok ? queued[i].resolve(booking.row) : queued[i].reject(booking.error)));
  }

  /** One charge inside the group's transaction; a key reused for another charge is refused before anything is written. */
  private book(request: ChargeRequest): Booking {
    const booked = this.statements.chargeByKey.get(request.idempotencyKey);
    if (booked !== undefined) {
      const differing = differingFields(booked, request, ['token', 'amount', 'currency']);
      if (differing.length > 0) return { ok: false, error: new IdempotencyKeyReusedError(request.idempotencyKey, differing) };
      this.statements.countRequest.run(request.idempotencyKey);
      return { ok: true, row: booked };
    }
    const decided = decide(request);
    this.statements.insertCharge.run({ ...decided, requests: 1 });
    return { ok: true, row: { ...decided, requests: 1, refunded: 0 } };
  }

  /** A refund is refused (not retryable) for a charge unknown, not succeeded, or with less left than asked. */
  private decideRefund(request: RefundRequest): RefundRow {
    const asked = { idempotency_key: request.idempotencyKey, charge_id: request.chargeId, amount: request.amount };
    const refused = (reason: string): RefundRow => ({ ...asked, status: 'failed', refund_id: null, reason, retryable: 0 });
    const charge = this.statements.chargeById.get(request.chargeId);
    if (charge === undefined) return refused(`charge ${request.chargeId} was not found`);
    if (charge.status !== 'succeeded') return refused(`charge ${request.chargeId} was ${charge.status}: no money was taken`);
    const left = charge.amount - charge.refunded;
    if (request.amount > left) {
      return refused(`refund of ${request.amount} exceeds what is left of charge ${request.chargeId} (${left} of ${charge.amount} ${charge.currency})`);
    }
    const refundId = `re_sandbox_${deterministicUuid('sandbox-refund', request.idempotencyKey)}`;
    return { ...asked, status: 'succeeded', refund_id: refundId, reason: null, retryable: 0 };
  }
}

export function isSandboxToken(token: unknown): token is SandboxToken {
  return typeof token === 'string' && Object.prototype.hasOwnProperty.call(SANDBOX_TOKENS, token);
}

/** What the sandbox does with a new charge, by token. Anything but a sandbox token is declined (and never charged). */
function decide(request: ChargeRequest): Omit<ChargeRow, 'requests' | 'refunded'> {
  const chargeId = `ch_sandbox_${deterministicUuid('sandbox-charge', request.idempotencyKey)}`;
  const base = {
    idempotency_key: request.idempotencyKey,
    token: request.token,
    amount: request.amount,
    currency: request.currency,
    description: request.description,
    answered_unknown: 0,
  };
  const token = isSandboxToken(request.token) ? request.token : null;
  switch (token) {
    case 'tok_approve':
      return { ...base, status: 'succeeded', charge_id: chargeId, reason: null };
    case 'tok_timeout':
      return { ...base, status: 'succeeded', charge_id: chargeId, reason: null, answered_unknown: 1 };
    case 'tok_decline':
    case null:
      return { ...base, status: 'declined', charge_id: chargeId, reason: 'declined' };
    case 'tok_insufficient_funds':
      return { ...base, status: 'declined', charge_id: chargeId, reason: 'insufficientFunds' };
    case 'tok_gateway_error':
      return { ...base, status: 'failed', charge_id: null, reason: 'sandbox gateway error (tok_gateway_error): no charge was made, try again' };
    default:
      return assertNever(token);
  }
}

function outcomeOf(row: ChargeRow): ChargeOutcome {
  switch (row.status) {
    case 'succeeded':
      return { status: 'succeeded', chargeId: row.charge_id as string, amount: row.amount as number };
    case 'declined':
      return { status: 'declined', reason: row.reason === 'insufficientFunds' ? 'insufficientFunds' : 'declined', chargeId: row.charge_id as string };
    case 'failed':
      return { status: 'failed', retryable: true, reason: row.reason ?? 'gateway error' };
    default:
      return assertNever(row.status);
  }
}

function toSandboxCharge(row: ChargeRow): SandboxCharge {
  return {
    idempotencyKey: row.idempotency_key,
    token: row.token,
    amount: row.amount,
    currency: row.currency,
    description: row.description,
    status: row.status,
    chargeId: row.charge_id,
    reason: row.reason,
    answeredUnknown: row.answered_unknown === 1,
    refunded: row.refunded,
    requests: row.requests,
  };
}

function differingFields(recorded: object, asked: object, fields: string[]): string[] {
  return fields.filter((field) => (recorded as Record<string, unknown>)[field] !== (asked as Record<string, unknown>)[field]);
}

/** Wrong arguments are the caller's bug (the domain validated amounts and currencies before): thrown, not answered. */
function assertChargeRequest(request: ChargeRequest): void {
  assertKey(request.idempotencyKey);
  if (typeof request.token !== 'string' || request.token.length === 0) throw new RangeError('charge: token must be a non-empty string');
  assertAmount(request.amount, 'charge');
  if (typeof request.currency !== 'string' || !/^[A-Z]{3}$/.test(request.currency)) {
    throw new RangeError(`charge: currency must be an ISO 4217 code such as USD (got ${JSON.stringify(request.currency)})`);
  }
  if (typeof request.description !== 'string') throw new RangeError('charge: description must be a string');
}

function assertRefundRequest(request: RefundRequest): void {
  assertKey(request.idempotencyKey);
  if (typeof request.chargeId !== 'string' || request.chargeId.length === 0) throw new RangeError('refund: chargeId must be a non-empty string');
  assertAmount(request.amount, 'refund');
}

function assertKey(key: unknown): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
    throw new RangeError(`idempotencyKey must be 1 to 255 characters (got ${JSON.stringify(key)})`);
  }
}

function assertAmount(amount: unknown, call: string): void {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) {
    throw new RangeError(`${call}: amount must be a positive whole number of minor units (got ${JSON.stringify(amount)})`);
  }
}

function open(file: string, busyTimeoutMs: number): Database.Database {
  const { db } = openWalDatabase(file, busyTimeoutMs); // a store in memory stays in 'memory' mode
  // NORMAL in WAL mode: an answered charge is committed before the answer leaves, so it survives our process being
  // killed (what the crash tests need of a processor's books); only a power cut may lose the WAL's tail. FULL made
  // every charge an fsync, which capped automatic collection at the disk's fsyncs per second (56 collections/s).
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

function prepare(db: Database.Database) {
  return {
    chargeByKey: db.prepare<[string], ChargeRow>(`SELECT ${CHARGE_COLUMNS} FROM charges c WHERE c.idempotency_key = ?`),
    chargeById: db.prepare<[string], ChargeRow>(`SELECT ${CHARGE_COLUMNS} FROM charges c WHERE c.charge_id = ?`),
    allCharges: db.prepare<[], ChargeRow>(`SELECT ${CHARGE_COLUMNS} FROM charges c ORDER BY c.sequence`),
    takenCount: db.prepare<[string]>(`SELECT COUNT(*) FROM charges WHERE idempotency_key = ? AND status = 'succeeded'`).pluck(),
    insertCharge: db.prepare(
      `INSERT INTO charges (idempotency_key, token, amount, currency, description, status, charge_id, reason, answered_unknown, requests)
       VALUES (@idempotency_key, @token, @amount, @currency, @description, @status, @charge_id, @reason, @answered_unknown, @requests)`,
    ),
    countRequest: db.prepare<[string]>('UPDATE charges SET requests = requests + 1 WHERE idempotency_key = ?'),
    refundByKey: db.prepare<[string], RefundRow>('SELECT * FROM refunds WHERE idempotency_key = ?'),
    allRefunds: db.prepare<[], RefundRow>('SELECT * FROM refunds ORDER BY sequence'),
    insertRefund: db.prepare(
      `INSERT INTO refunds (idempotency_key, charge_id, amount, status, refund_id, reason, retryable)
       VALUES (@idempotency_key, @charge_id, @amount, @status, @refund_id, @reason, @retryable)`,
    ),
  };
}
