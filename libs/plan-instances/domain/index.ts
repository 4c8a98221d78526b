export { Period, lastDay, nextBoundaryAfter, periodContaining } from './billing-grid';
export { Invoice, InvoiceLine, LinePayer, dueDate, invoiceTotal, linePayers, owedBy } from './invoice';
export { paidByOthers, withPayers } from './payers';
export { DayUsage, PaymentFacts, ServiceUsage, UsageFacts } from './plan-instance.commands';
export { BillingGrid } from './plan-instance.events';
export { INVOICE_EVENT_TYPES, postedInvoices } from './posted';
export { adjustInvoice, AdjustmentInput } from './invoice-adjustments';
export { couponPeriodLimit, CouponUsage } from './discounts';
export { TaxFacts } from './tax';
