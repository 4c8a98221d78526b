import { AccountForDocument, DocumentColumn, DocumentModel, DocumentTable, formatAmount, formatPrice, formatQuantity, recipientLines } from '../../shared-kernel/documents';

interface LineForDocument {
  invoiceId: string;
  invoiceDate: string;
  description: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unitPrice: string | null;
  amount: number;
  owed: number;
}

interface SectionForDocument {
  accountId: string;
  name: string | null;
  lines: readonly LineForDocument[];
  total: number;
  sections: readonly SectionForDocument[];
}

/** The statement as GET /v1/statements/{id} answers it (JSON), as much of it as the document shows. */
export interface StatementForDocument {
  id: string;
  accountId: string;
  statementDate: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  openingBalance: number;
  charges: number;
  payments: number;
  credits: number;
  closingBalance: number;
  amountDue: number;
  dueDate: string | null;
  status: string;
  lines: readonly LineForDocument[];
  sections: readonly SectionForDocument[];
}

const COLUMNS: DocumentColumn[] = [
  { label: 'Invoice date', align: 'left', width: 12 },
  { label: 'Description', align: 'left', width: 22 },
  { label: 'Period', align: 'left', width: 24 },
  { label: 'Quantity', align: 'right', width: 9 },
  { label: 'Unit price', align: 'right', width: 11 },
  { label: 'Amount', align: 'right', width: 11 },
  { label: 'Owed', align: 'right', width: 11 },
];

/**
 * A statement as a document: the tenant's name, the account's name and address, the period, the balances (opening,
 * charges, payments, credits, closing, amount due, due date), its own lines and the nested sections of the
 * accounts whose charges it pays, each with its total.
 */
export function statementDocument(statement: StatementForDocument, account: AccountForDocument | null, tenantName: string): DocumentModel {
  const language = account?.language ?? null;
  const money = (amount: number) => formatAmount(amount, statement.currency, language);
  const rows = (lines: readonly LineForDocument[]) =>
    lines.map((line) => [
      line.invoiceDate,
      line.description,
      `${line.periodStart} – ${line.periodEnd}`,
      formatQuantity(line.quantity, language),
      line.unitPrice === null ? '' : formatPrice(line.unitPrice, statement.currency, language),
      money(line.amount),
      money(line.owed),
    ]);
  const tables: DocumentTable[] = [{ heading: 'Charges', level: 0, columns: COLUMNS, rows: rows(statement.lines) }];
  const addSections = (sections: readonly SectionForDocument[], level: number) => {
    for (const section of sections) {
      const who = section.name ? `${section.name} (${section.accountId})` : section.accountId;
      tables.push({ heading: `Charges of ${who}`, level, columns: COLUMNS, rows: rows(section.lines), footer: ['', 'Section total', '', '', '', '', money(section.total)] });
      addSections(section.sections, level + 1);
    }
  };
  addSections(statement.sections, 1);
  return {
    title: `Statement ${statement.statementDate}`,
    issuer: [tenantName],
    recipient: recipientLines(statement.accountId, account),
    facts: [
      ['Statement id', statement.id],
      ['Account', statement.accountId],
      ['Statement date', statement.statementDate],
      ['Period', `${statement.periodStart} – ${statement.periodEnd}`],
      ['Currency', statement.currency],
      ['Status', statement.status],
    ],
    tables,
    totals: [
      ['Opening balance', money(statement.openingBalance)],
      ['Charges', money(statement.charges)],
      ['Credits', money(-statement.credits)],
      ['Payments', money(-statement.payments)],
      ['Closing balance', money(statement.closingBalance)],
      ['Amount due', money(statement.amountDue)],
      ['Due date', statement.dueDate ?? '—'],
    ],
    notes: [],
  };
}
