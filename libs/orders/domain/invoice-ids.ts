import { deterministicUuid, ID_PATTERN } from '../../shared-kernel/ids';

/**
 * The ids an order's money goes by in the account's receivables ledger (and on its statements): legible while they
 * fit ids' 64 characters, else a UUID of the same parts after the prefix (the same every time).
 */
function legible(prefix: string, ...parts: string[]): string {
  const id = [prefix, ...parts].join(':');
  return ID_PATTERN.test(id) ? id : `${prefix}:${deterministicUuid(...parts)}`;
}

/** The order's invoice (an order without installments is one receivable of kind `order` under this id). */
export function orderInvoiceId(orderId: string): string {
  return legible('ord', orderId);
}

/** Row `number` of a schedule (0: the lump sum), posted as a receivable of kind `installment` when it is invoiced. */
export function installmentInvoiceId(scheduleId: string, number: number): string {
  return legible('ins', scheduleId, String(number));
}

/** What a cancelled schedule leaves due at once, posted as a receivable of kind `remainder` (dunning takes it if unpaid). */
export function remainderInvoiceId(scheduleId: string): string {
  return legible('rem', scheduleId);
}

/** A schedule's id: the order's own (an order has at most one schedule). */
export function scheduleIdOf(orderId: string): string {
  return orderId;
}
