import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';

/**
 * Payment application (DOMAIN.md §8): in which order money received (a payment, an account credit memo,
 * unapplied credit) settles an account's open items, and how much each gets. Pure and deterministic: the same
 * items, method, date and amount always give the same applications, so a preview equals the commit.
 */
export type ApplicationMethod = 'fifo' | 'fdfo' | 'statementFifo';

export const APPLICATION_METHODS: readonly ApplicationMethod[] = ['fifo', 'fdfo', 'statementFifo'];

/**
 * What an open item is: `charge` (a recurring or pool invoice's share, posted from its invoice event), `installment`
 * (a row of an order's installment schedule), `order` (a one-time order's invoice without installments), `remainder`
 * (what a cancelled schedule leaves due at once), `fee` (a dunning late fee: never the basis of another fee). All but
 * installments are applied like charges; all but `charge` exist in the ledger alone, with no invoice event.
 */
export type ReceivableKind = 'charge' | 'installment' | 'order' | 'remainder' | 'fee';

/** What the methods need to know of an open item. `postingOrder` breaks ties: earlier postings first. */
export interface ApplicableItem {
  invoiceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  kind: ReceivableKind;
  postingOrder: number;
  /** Still owed, in minor units. */
  balance: number;
}

export interface Application {
  invoiceId: string;
  amount: number;
}

export interface ApplicationResult {
  /** In the order applied; only positive amounts; never more than an item's balance. */
  applications: Application[];
  /** What no item took: it becomes account credit. */
  unapplied: number;
}

/**
 * The items the method pays, in the order it pays them; items with nothing owed are left out.
 * - fifo: oldest invoice first (invoiceDate, then posting order);
 * - fdfo: earliest due date first (then invoiceDate, then posting order);
 * - statementFifo: every non-installment charge first (fifo), then the installments due on or before the
 *   business date (by due date, then fifo); installments due later are not paid by it.
 */
export function applicationOrder<Item extends ApplicableItem>(
  items: readonly Item[],
  method: ApplicationMethod,
  businessDate: CalendarDate,
): Item[] {
  const owed = items.filter((item) => item.balance > 0);
  switch (method) {
    case 'fifo':
      return [...owed].sort(byFifo);
    case 'fdfo':
      return [...owed].sort(byDueDate);
    case 'statementFifo': {
      const charges = owed.filter((item) => item.kind === 'charge').sort(byFifo);
      const installmentsDue = owed.filter((item) => item.kind === 'installment' && item.dueDate <= businessDate).sort(byDueDate);
      return [...charges, ...installmentsDue];
    }
    default:
      return assertNever(method);
  }
}

/**
 * Applies `amount` (minor units, ≥ 0) to the items: the named `target` invoice first, up to its balance (whatever
 * its kind or due date: the payer chose it), then the others in the method's order. What is left is unapplied.
 */
export function applyAmount(
  amount: number,
  items: readonly ApplicableItem[],
  method: ApplicationMethod,
  businessDate: CalendarDate,
  target?: string | null,
): ApplicationResult {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount to apply must be a safe integer ≥ 0, got ${amount}`);
  const applications: Application[] = [];
  let left = amount;
  const take = (item: ApplicableItem): void => {
    const applied = Math.min(left, item.balance);
    if (applied <= 0) return;
    applications.push({ invoiceId: item.invoiceId, amount: applied });
    left -= applied;
  };
  const named = target ? items.find((item) => item.invoiceId === target) : undefined;
  if (named) take(named);
  for (const item of applicationOrder(items, method, businessDate)) {
    if (left === 0) break;
    if (item !== named) take(item);
  }
  return { applications, unapplied: left };
}

function byFifo(a: ApplicableItem, b: ApplicableItem): number {
  return compareText(a.invoiceDate, b.invoiceDate) || a.postingOrder - b.postingOrder;
}

function byDueDate(a: ApplicableItem, b: ApplicableItem): number {
  return compareText(a.dueDate, b.dueDate) || byFifo(a, b);
}

/** YYYY-MM-DD dates compare as text. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
