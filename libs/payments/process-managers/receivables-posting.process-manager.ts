import { ProcessManager, PmCommand } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { INVOICE_EVENT_TYPES, owedBy, postedInvoices } from '../../plan-instances/domain';

/**
 * Every posted invoice becomes what its payers owe (DOMAIN.md §7): one PostReceivable per account that owes a
 * share, on that account's receivables ledger, so collection and dunning act on the balance of the account that
 * owes it. A share of 0 posts nothing. One lane per payer: a payer's postings keep their order.
 */
export const receivablesPostingProcessManager: ProcessManager = {
  name: 'receivables-posting',
  // Accounts are independent: one lane each, across the batch's events, all in flight (as the bill run's commands are),
  // so a bill run's postings share a few group commits; 32 at a time made 3,293 commits of 100,000 and woke the
  // projectors for each, which then projected in small batches.
  lanesAcrossEvents: true,
  concurrency: COMMAND_CHUNK_SIZE,
  eventTypes: [...INVOICE_EVENT_TYPES],
  react(event) {
    const commands: PmCommand[] = [];
    for (const { invoice } of postedInvoices(event)) {
      for (const { accountId, amount } of owedBy(invoice)) {
        if (amount === 0) continue;
        const { invoiceId, invoiceDate, dueDate, currency } = invoice;
        commands.push({
          type: 'PostReceivable',
          data: { accountId, invoiceId, invoiceDate, dueDate, currency, amount, kind: 'charge' },
          key: `receivable:${invoiceId}:${accountId}`,
          lane: accountId,
        });
      }
    }
    return commands;
  },
};
