import { Projector } from '../../platform/projection-runner/projector';
import { paymentMethodsProjection } from './payment-methods.projection';
import { receivablesProjection } from './receivables.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [receivablesProjection, paymentMethodsProjection];

export { PAYMENT_METHODS, PaymentMethodDoc, paymentMethodsProjection } from './payment-methods.projection';

export {
  PAYMENTS,
  PaymentDoc,
  RECEIVABLE_ACCOUNTS,
  RECEIVABLE_ITEMS,
  ReceivableAccountDoc,
  ReceivableItemDoc,
  receivableItemId,
  TRANSACTIONS,
  TransactionDoc,
} from './receivables.projection';
