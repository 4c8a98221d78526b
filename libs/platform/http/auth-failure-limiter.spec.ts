import { AuthFailureLimiter, TooManyFailuresException } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  let now = 0;
  const limiter = () => new AuthFailureLimiter(2, 60_000, () => now);
  const refusal = (run: () => void): number | null => {
    try {
      run();
      return null;
    } catch (error) {
      if (error instanceof TooManyFailuresException) return error.retryAfterSeconds;
      throw error;
    }
  };
  beforeEach(() => (now = 1_000_000));

  it('lets an address fail up to the limit, then refuses it until its window ends, with the seconds left', () => {
    const failures = limiter();
    expect(refusal(() => failures.recordFailure('10.0.0.1', 'a'))).toBeNull();
    expect(refusal(() => failures.recordFailure('10.0.0.1', 'b'))).toBeNull();
    now += 15_000;
    expect(refusal(() => failures.recordFailure('10.0.0.1', 'c'))).toBe(45);
    expect(refusal(() => failures.recordFailure('10.0.0.2', 'd'))).toBeNull();
    now += 45_000;
    expect(refusal(() => failures.recordFailure('10.0.0.1', 'e'))).toBeNull();
  });

  it('counts one key across addresses', () => {
    const failures = limiter();
    expect(refusal(() => failures.recordFailure('10.0.0.1', 'revoked'))).toBeNull();
    expect(refusal(() => failures.recordFailure('10.0.0.2', 'revoked'))).toBeNull();
    expect(refusal(() => failures.recordFailure('10.0.0.3', 'revoked'))).toBe(60);
    expect(refusal(() => failures.recordFailure('10.0.0.3', null))).toBeNull();
  });

  it('a limit of 0 is off', () => {
    const failures = new AuthFailureLimiter(0, 60_000);
    for (let i = 0; i < 100; i++) failures.recordFailure('10.0.0.1', 'k');
  });
});
