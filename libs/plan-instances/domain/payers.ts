import { ChargeClass, PaymentResponsibility } from '../../accounts/domain';
import { allocate } from '../../shared-kernel/largest-remainder';
import { InvoiceLine, InvoiceLineType } from './invoice';

/** The charge class a line belongs to for payment responsibility: a credit follows the recurring charge it refunds. */
export function chargeClassOf(type: InvoiceLineType): ChargeClass {
  return type === 'usage' ? 'usage' : 'recurring';
}

/**
 * Applies the account's payment responsibility to the lines, as the invoice is generated (DOMAIN.md §7): a line
 * whose class another account pays, in full or in part, gets `payers`, the shares split by largest remainder
 * with ties to the lower account id (DOMAIN.md §2). A line the account pays alone is left as it is.
 */
export function withPayers(lines: readonly InvoiceLine[], accountId: string, responsibility: PaymentResponsibility): InvoiceLine[] {
  return lines.map((line) => {
    const shares = responsibility[chargeClassOf(line.type)];
    if (!shares || (shares.length === 1 && shares[0].payerAccountId === accountId)) return line;
    const ordered = [...shares].sort((a, b) => (a.payerAccountId < b.payerAccountId ? -1 : a.payerAccountId > b.payerAccountId ? 1 : 0));
    const amounts = allocate(line.amount, ordered.map((share) => share.percent));
    return { ...line, payers: ordered.map((share, i) => ({ accountId: share.payerAccountId, amount: amounts[i] })) };
  });
}

/** True when another account owes any part of the lines (the invoice then carries the account's ancestors). */
export function paidByOthers(lines: readonly InvoiceLine[], accountId: string): boolean {
  return lines.some((line) => line.payers?.some((payer) => payer.accountId !== accountId));
}
