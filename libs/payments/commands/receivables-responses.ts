import { Application, CreditMemoIssued, CreditMemoTaxLine, PaymentView } from '../domain';

/** A payment as the API answers it (API.md "Payments, credits and balances"). */
export interface PaymentResponse extends PaymentView {
  accountId: string;
}

export function paymentResponse(view: PaymentView, accountId: string): PaymentResponse {
  return { ...view, accountId };
}

/** A refund or reversal: how much, what of it came out of credit, which invoices it reopened. */
export interface TakenBackResponse {
  id: string;
  paymentId: string;
  accountId: string;
  amount: number;
  fromCredit: number;
  unapplications: Application[];
  reason: string;
  actor?: string;
}

export interface CreditMemoResponse {
  id: string;
  accountId: string;
  invoiceId: string | null;
  amount: number;
  reason: string;
  actor: string;
  applications: Application[];
  unapplied: number;
  /** amount − tax: the net the memo takes off (decision 0024). */
  subtotal: number;
  /** The tax the memo reverses, included in amount; 0 on the account and on an invoice without tax. */
  tax: number;
  /** That tax per rate of the invoice; [] when there is none. */
  taxLines: CreditMemoTaxLine[];
}

export function creditMemoResponse(memo: CreditMemoIssued['data']): CreditMemoResponse {
  const tax = memo.tax ?? 0;
  const { creditMemoId: id, accountId, invoiceId, amount, reason, actor, applications, unapplied } = memo;
  return { id, accountId, invoiceId, amount, reason, actor, applications, unapplied, subtotal: amount - tax, tax, taxLines: memo.taxLines ?? [] };
}

export interface WriteOffResponse {
  id: string;
  accountId: string;
  invoiceId: string;
  amount: number;
  reason: string;
  actor: string;
}
