import { STATUS_CODES } from 'node:http';
import { ErrorDetail } from '../../shared-kernel/errors';

/** The one error shape of the API (API.md "Conventions"). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: ErrorDetail[];
  correlationId?: string;
}

export function errorBody(statusCode: number, message: string, details: ErrorDetail[] = [], correlationId?: string): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, details };
  if (correlationId) body.correlationId = correlationId;
  return body;
}
