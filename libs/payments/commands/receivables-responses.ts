import { Application, PaymentView } from '../domain';

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
}

export interface WriteOffResponse {
  id: string;
  accountId: string;
  invoiceId: string;
  amount: number;
  reason: string;
  actor: string;
}
