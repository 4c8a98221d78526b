import { integerIn } from '../../catalog/domain';
import { addDays, CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { ConflictError, ErrorDetail, InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { streamName } from '../../shared-kernel/streams';
import { validateAll } from '../../shared-kernel/validation';
import { computeInstallmentSchedule, ScheduledInstallment } from './installment-schedule';
import { CreateInstallmentSchedule } from './installment-schedule.commands';
import { ScheduleStatus } from './installment-schedule.events';
import { InstallmentTerm, resolveDaysUntilDue } from './installment-terms';
import { orderInvoiceId, scheduleIdOf } from './invoice-ids';
import { AlignedPlanInstance, upcomingInvoiceDates } from './order.invoice-dates';
import { adjustOrder, OrderAdjustmentFacts } from './order-adjustments';
import { InvoiceLine } from '../../plan-instances/domain';

/**
 * An order of one-time items on an account (issue 19; API.md "One-time orders and installments"), stream
 * `order-<tenant>.<orderId>`. It is invoiced at once, on the business date; with an installment term its total is
 * paid by a schedule (computed here, so the order's answer shows it, and created by CreateInstallmentSchedule on the
 * schedule's own stream right after). An order is never changed: the same id with the same request again is
 * answered with the first order and writes nothing; with another request it is a 409.
 */

/** Lines of one order. */
export const MAX_ORDER_LINES = 100;
/** Units of one line. */
export const MAX_ORDER_QUANTITY = 100_000;

export interface OrderLine {
  itemId: string;
  /** The item's name when ordered. */
  name: string;
  quantity: number;
  /** The item's price, major units with the currency's minor digits ("1000.00"). */
  unitPrice: string;
  /** unitAmount × quantity exactly, in minor units (less `taxIncluded`, when an inclusive rate taxed it). */
  amount: number;
  /** The part of unitAmount × quantity an inclusive tax rate carved out into the tax lines (minor units). */
  taxIncluded?: number;
}

export interface OrderInvoice {
  /** `orderInvoiceId(orderId)`: without installments, the receivable of kind `order` under this id. */
  id: string;
  invoiceDate: CalendarDate;
  /** The invoice date plus the account's payment terms days. */
  dueDate: CalendarDate;
  /** Tax included (DOMAIN.md §13): what is owed, and what an installment schedule divides. */
  total: number;
}

/** The schedule as placed; its own stream (installmentSchedule-<tenant>.<id>) holds it from then on. */
export interface PlacedSchedule {
  id: string;
  /** Resolved: the term's own, else the account's payment terms days. */
  daysUntilDue: number;
  /** Aligned terms: the plan instance's estimated invoice dates after the order date; [] for independent terms. */
  upcomingInvoiceDates: CalendarDate[];
  installments: ScheduledInstallment[];
}

export type OrderPlaced = DomainEvent<
  'OrderPlaced',
  {
    orderId: string;
    accountId: string;
    currency: string;
    orderDate: CalendarDate;
    lines: OrderLine[];
    /** What is owed: the lines, less the discount, plus the tax (DOMAIN.md §13). */
    total: number;
    /** Present when a coupon or a tax rate applied (decision 0021): the total without the tax lines, and their sum. */
    subtotal?: number;
    tax?: number;
    /** With them: the coupon's discount line, then one tax line per rate (as on a plan-instance invoice). */
    adjustments?: InvoiceLine[];
    invoice: OrderInvoice;
    /** The plan instance the items are tied to (always set for aligned terms). */
    planInstanceId: string | null;
    /** The term as it was (terms are never revised, but the order keeps what it was sold on). */
    installmentTerm: InstallmentTerm | null;
    installmentSchedule: PlacedSchedule | null;
  }
>;
export type OrderEvent = OrderPlaced;

/** An item of the catalog, as the handler found it (itemById). */
export interface OrderItemFacts {
  itemId: string;
  name: string;
  currency: string;
  unitPrice: string;
  /** unitPrice in minor units. */
  unitAmount: number;
  /** The item's tax category, if it has one (null or absent: the rates naming no category tax it). */
  taxCategory?: string | null;
}

/** A plan instance of the tenant, as the handler found it (the plan-instances read model). */
export interface OrderPlanInstanceFacts extends AlignedPlanInstance {
  planInstanceId: string;
  accountId: string;
  status: string;
}

/**
 * The request's fields as the API sends them (checked here, every bad field at once) and what the handler looked
 * up for them: the account (it exists: an unknown one is a 404 before), the items, the term and the plan instance
 * named (absent from the facts: unknown).
 */
export interface PlaceOrderInput extends OrderAdjustmentFacts {
  orderId: string;
  accountId: string;
  account: { currency: string; paymentTermsDays: number };
  items: unknown;
  installmentTermId?: unknown;
  planInstanceId?: unknown;
  catalog: OrderItemFacts[];
  term: InstallmentTerm | null;
  planInstance: OrderPlanInstanceFacts | null;
  /** The business date: the order is invoiced on it. */
  orderDate: CalendarDate;
  /** The server made the id: an order already under it is another one (ConflictError: take the next id), never a repeat. */
  newOnly?: boolean;
}

export type PlaceOrder = DomainCommand<'PlaceOrder', PlaceOrderInput>;
export type OrderCommand = PlaceOrder;
export type OrderState = OrderPlaced['data'] | null;

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'PlaceOrder':
        return placeOrder(command.data, state);
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return event.data;
      default:
        return assertNever(event.type);
    }
  },
};

interface RequestedLine {
  itemId: string;
  quantity: number;
}

function placeOrder(input: PlaceOrderInput, state: OrderState): OrderEvent[] {
  const { orderId, accountId, account, orderDate } = input;
  assertValidId(orderId, 'id');
  const request = validateAll({
    items: () => requestedLines(input.items),
    installmentTermId: () => optionalId(input.installmentTermId, 'installmentTermId'),
    planInstanceId: () => optionalId(input.planInstanceId, 'planInstanceId'),
  });
  if (state !== null) {
    if (!input.newOnly && sameRequest(state, accountId, request)) return [];
    const message = input.newOnly
      ? `order ${orderId} already exists`
      : `order ${orderId} already exists with other ${differences(state, accountId, request).join(', ')}: an id names one order; use a new id for a new order`;
    throw new ConflictError(message, [{ field: 'id', rule: 'unique', message }]);
  }
  const { items, term, planInstance } = known(input, request);

  // Rules of the domain (422): the account's currency, a plan instance that still bills, amounts within range.
  const refused: ErrorDetail[] = [];
  items.forEach(({ item }, i) => {
    if (item.currency === account.currency) return;
    const message = `items[${i}].itemId: item ${item.itemId} is sold in ${item.currency}, but account ${accountId} is billed in ${account.currency}`;
    refused.push({ field: `items[${i}].itemId`, rule: 'accountCurrency', message });
  });
  if (planInstance !== null && planInstance.nextBillDate === null) {
    const message = `plan instance ${planInstance.planInstanceId} is cancelled: an order can be tied only to a plan instance that still bills`;
    refused.push({ field: 'planInstanceId', rule: 'activePlanInstance', message });
  }
  if (term?.schedule === 'aligned' && planInstance === null) {
    const message = `installment term ${term.id} is aligned: the order must name the plan instance whose invoice dates the installments follow (planInstanceId)`;
    refused.push({ field: 'planInstanceId', rule: 'requiredForAligned', message });
  }
  const lines = items.map(({ item, quantity }, i): OrderLine => {
    const amount = item.unitAmount * quantity;
    if (!Number.isSafeInteger(amount)) {
      const message = `items[${i}].quantity: ${quantity} × ${item.unitPrice} ${item.currency} is more than can be billed; order fewer`;
      refused.push({ field: `items[${i}].quantity`, rule: 'amountRange', message });
    }
    return { itemId: item.itemId, name: item.name, quantity, unitPrice: item.unitPrice, amount };
  });
  const charged = lines.reduce((sum, line) => sum + line.amount, 0);
  if (refused.length === 0 && !Number.isSafeInteger(charged)) {
    const message = `the order's total is more than can be billed; split it into several orders`;
    refused.push({ field: 'items', rule: 'amountRange', message });
  }
  if (refused.length > 0) throw new RuleViolationError(refused.length === 1 ? refused[0].message : refused.map((d) => d.message).join('; '), refused);
  // Items have positive prices and lines at least one unit: the charges are more than zero (a discount may take all).

  // The coupon's discount and the tax (decision 0021): the invoice's total, tax included, is what is owed and what
  // an installment schedule divides, so installments carry their share of the tax and are never taxed again.
  const adjusted = adjustOrder({
    lines: lines.map((line, i) => ({ ...line, taxCategory: items[i].item.taxCategory ?? null })),
    currency: account.currency,
    orderDate,
    planInstanceId: planInstance?.planInstanceId ?? null,
    ...(input.coupon ? { coupon: input.coupon } : {}),
    ...(input.tax ? { tax: input.tax } : {}),
  });
  if (adjusted) adjusted.lines.forEach((line, i) => Object.assign(lines[i], line));
  const total = adjusted?.total ?? charged;
  const taxed = adjusted ? { subtotal: adjusted.subtotal, tax: adjusted.tax, adjustments: adjusted.adjustments } : {};

  const invoice: OrderInvoice = { id: orderInvoiceId(orderId), invoiceDate: orderDate, dueDate: addDays(orderDate, account.paymentTermsDays), total };
  let installmentSchedule: PlacedSchedule | null = null;
  if (term !== null) {
    const daysUntilDue = resolveDaysUntilDue(term, account.paymentTermsDays);
    const dates = term.schedule === 'aligned' && planInstance !== null ? upcomingInvoiceDates(planInstance, orderDate, term.installments) : [];
    const installments = computeInstallmentSchedule({ total, currency: account.currency, term, orderDate, daysUntilDue, upcomingInvoiceDates: dates });
    installmentSchedule = { id: scheduleIdOf(orderId), daysUntilDue, upcomingInvoiceDates: dates, installments };
  }
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        accountId,
        currency: account.currency,
        orderDate,
        lines,
        total,
        ...taxed,
        invoice,
        planInstanceId: planInstance?.planInstanceId ?? null,
        installmentTerm: term,
        installmentSchedule,
      },
    },
  ];
}

/** `items`: 1–100 lines of { itemId, quantity 1–100,000 }; every bad line and field at once (400). */
function requestedLines(value: unknown): RequestedLine[] {
  if (value === undefined || value === null) throw InvalidInputError.forField('items', 'required', 'items is required: [{ "itemId": "...", "quantity": 1 }]');
  if (!Array.isArray(value)) throw InvalidInputError.forField('items', 'array', 'items must be an array of { itemId, quantity }');
  if (value.length < 1 || value.length > MAX_ORDER_LINES) {
    throw InvalidInputError.forField('items', 'range', `items must have 1 to ${MAX_ORDER_LINES} lines (got ${value.length})`);
  }
  const checks = Object.fromEntries(value.map((line, i) => [String(i), () => requestedLine(line, `items[${i}]`)]));
  return Object.values(validateAll(checks)) as RequestedLine[];
}

function requestedLine(value: unknown, field: string): RequestedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvalidInputError.forField(field, 'object', `${field} must be an object { itemId, quantity }`);
  }
  const line = value as Record<string, unknown>;
  const unknown = Object.keys(line).filter((key) => key !== 'itemId' && key !== 'quantity');
  if (unknown.length > 0) {
    const message = `${unknown.map((key) => `${field}.${key}`).join(', ')}: not a field of an order line; allowed: itemId, quantity`;
    throw new InvalidInputError(message, unknown.map((key) => ({ field: `${field}.${key}`, rule: 'unknownField', message })));
  }
  return validateAll({
    itemId: () => {
      assertValidId(line.itemId, `${field}.itemId`);
      return line.itemId;
    },
    quantity: () => integerIn(line.quantity, `${field}.quantity`, 1, MAX_ORDER_QUANTITY),
  });
}

function optionalId(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  assertValidId(value, field);
  return value;
}

/** What the request names must exist (400 with `knownItem`, `knownInstallmentTerm`, `knownPlanInstance`, all at once). */
function known(input: PlaceOrderInput, request: { items: RequestedLine[]; installmentTermId: string | null; planInstanceId: string | null }) {
  const lines = request.items.map(({ itemId, quantity }, i) => ({ i, itemId, quantity, item: input.catalog.find((item) => item.itemId === itemId) }));
  const details: ErrorDetail[] = [];
  for (const { i, itemId, item } of lines) {
    if (item !== undefined) continue;
    const message = `items[${i}].itemId must name an item of the catalog (POST /v1/items); ${itemId} was not found`;
    details.push({ field: `items[${i}].itemId`, rule: 'knownItem', message });
  }
  const termId = request.installmentTermId;
  const term = termId !== null && input.term?.id === termId ? input.term : null;
  if (termId !== null && term === null) {
    const message = `installmentTermId must name an installment term (POST /v1/installment-terms); ${termId} was not found`;
    details.push({ field: 'installmentTermId', rule: 'knownInstallmentTerm', message });
  }
  const planInstanceId = request.planInstanceId;
  const facts = input.planInstance;
  const planInstance = planInstanceId !== null && facts?.planInstanceId === planInstanceId && facts.accountId === input.accountId ? facts : null;
  if (planInstanceId !== null && planInstance === null) {
    const message = `planInstanceId must name a plan instance of account ${input.accountId}; ${planInstanceId} was not found on it`;
    details.push({ field: 'planInstanceId', rule: 'knownPlanInstance', message });
  }
  if (details.length > 0) throw new InvalidInputError(details.length === 1 ? details[0].message : `${details.length} fields are invalid: ${details.map((d) => d.message).join('; ')}`, details);
  return { items: lines.map(({ item, quantity }) => ({ item: item!, quantity })), term, planInstance };
}

function requestOf(state: NonNullable<OrderState>) {
  return {
    accountId: state.accountId,
    items: state.lines.map(({ itemId, quantity }) => ({ itemId, quantity })),
    installmentTermId: state.installmentTerm?.id ?? null,
    planInstanceId: state.planInstanceId,
  };
}

function sameRequest(state: NonNullable<OrderState>, accountId: string, request: { items: RequestedLine[]; installmentTermId: string | null; planInstanceId: string | null }): boolean {
  return differences(state, accountId, request).length === 0;
}

function differences(state: NonNullable<OrderState>, accountId: string, request: { items: RequestedLine[]; installmentTermId: string | null; planInstanceId: string | null }): string[] {
  const placed = requestOf(state);
  const asked = { accountId, items: request.items.map(({ itemId, quantity }) => ({ itemId, quantity })), installmentTermId: request.installmentTermId, planInstanceId: request.planInstanceId };
  return (['accountId', 'items', 'installmentTermId', 'planInstanceId'] as const).filter((field) => JSON.stringify(placed[field]) !== JSON.stringify(asked[field]));
}

/**
 * The schedule's creation, as the order's handler runs it right after OrderPlaced and the order-posting process
 * manager runs it again (the safety net, a no-op when done): null for an order without installments.
 */
export function createScheduleCommand(order: OrderPlaced['data']): CreateInstallmentSchedule | null {
  const schedule = order.installmentSchedule;
  if (schedule === null || order.installmentTerm === null) return null;
  return {
    type: 'CreateInstallmentSchedule',
    data: {
      scheduleId: schedule.id,
      accountId: order.accountId,
      orderId: order.orderId,
      planInstanceId: order.planInstanceId,
      term: order.installmentTerm,
      currency: order.currency,
      total: order.total,
      orderDate: order.orderDate,
      daysUntilDue: schedule.daysUntilDue,
      upcomingInvoiceDates: schedule.upcomingInvoiceDates,
    },
  };
}

/** The answer of POST /v1/accounts/{id}/orders (the same for a preview): the order as placed. */
export interface OrderView {
  id: string;
  accountId: string;
  currency: string;
  lines: OrderLine[];
  total: number;
  /** With a coupon or a tax rate (decision 0021): total = subtotal + tax, and the discount and tax lines. */
  subtotal?: number;
  tax?: number;
  adjustments?: InvoiceLine[];
  invoice: OrderInvoice;
  planInstanceId: string | null;
  installmentTermId: string | null;
  installmentSchedule: {
    id: string;
    status: ScheduleStatus;
    /** `scheduled` (to be billed), `invoiced` (billed on its own invoice) or `cancelled` (not billed on its own). */
    installments: { number: number; kind: ScheduledInstallment['kind']; invoiceDate: CalendarDate; dueDate: CalendarDate; amount: number; status: 'scheduled' | 'invoiced' | 'cancelled' }[];
  } | null;
}

/** As placed: the schedule `active`, every row `scheduled` (GET /v1/installment-schedules/{id} follows it from then on). */
export function orderView(order: OrderPlaced['data']): OrderView {
  const { orderId, accountId, currency, lines, total, invoice, planInstanceId, installmentTerm, installmentSchedule } = order;
  return {
    id: orderId,
    accountId,
    currency,
    lines,
    total,
    ...(order.tax !== undefined ? { subtotal: order.subtotal, tax: order.tax, adjustments: order.adjustments } : {}),
    invoice,
    planInstanceId,
    installmentTermId: installmentTerm?.id ?? null,
    installmentSchedule: installmentSchedule && {
      id: installmentSchedule.id,
      status: 'active',
      installments: installmentSchedule.installments.map(({ number, kind, invoiceDate, dueDate, amount }) => ({ number, kind, invoiceDate, dueDate, amount, status: 'scheduled' })),
    },
  };
}

export function orderStream(tenantId: string, orderId: string): string {
  return streamName('order', tenantId, orderId);
}
