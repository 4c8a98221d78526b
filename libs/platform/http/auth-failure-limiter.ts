import { HttpException } from '@nestjs/common';

/** Addresses and keys remembered at most (the oldest windows are forgotten first), so random keys cannot grow memory. */
const MAX_ENTRIES = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/** Answered instead of a 401 once an address or a key has failed too often; the error filter sends Retry-After. */
export class TooManyFailuresException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed authentications; retry in ${retryAfterSeconds} s`, 429);
  }
}

/**
 * Counts failed authentications per client address and per key in fixed windows. Only failures are
 * counted, so a valid key is never slowed or refused by it (a guess of a 192-bit key is futile anyway; the
 * limit stops floods of wrong keys). @fastify/rate-limit counts every request before the route runs and
 * has no "failures only" mode, hence this small counter. In-process: each process counts its own.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one failure; throws TooManyFailuresException when the address or the key is now over the limit. */
  recordFailure(address: string, keyId: string | null): void {
    if (this.limit <= 0) return;
    const waits = [this.count(`address:${address}`), keyId === null ? 0 : this.count(`key:${keyId}`)];
    const wait = Math.max(...waits);
    if (wait > 0) throw new TooManyFailuresException(Math.ceil(wait / 1000));
  }

  /** Counts a failure for one subject; the milliseconds left in its window when it is over the limit, else 0. */
  private count(subject: string): number {
    const now = this.now();
    let window = this.windows.get(subject);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(subject);
      if (this.windows.size >= MAX_ENTRIES) this.windows.delete(this.windows.keys().next().value!);
      window = { startedAt: now, failures: 0 };
      this.windows.set(subject, window);
    }
    window.failures += 1;
    return window.failures > this.limit ? window.startedAt + this.windowMs - now : 0;
  }
}
