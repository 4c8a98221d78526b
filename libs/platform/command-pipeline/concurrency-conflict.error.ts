import { ConflictError } from '../../shared-kernel/errors';

/** Raised when an aggregate kept changing under a command through every retry: the client may retry. */
export class ConcurrencyConflictError extends ConflictError {
  constructor(readonly stream: string, attempts: number) {
    super(`The entity was changed by concurrent requests ${attempts} times in a row; retry the request`, [
      { field: 'request', rule: 'concurrency', message: 'concurrent modification, safe to retry' },
    ]);
  }
}
