import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { OrderEvent, orderView, OrderView } from '../domain';

/** One document per order (id: the order's): GET /v1/orders/{id} and the account's list, newest first. */
export const ORDERS = 'orders';

export interface OrderDoc extends Doc, OrderView {
  orderDate: CalendarDate;
  /** Log position of OrderPlaced: the account's list is sorted on it. */
  sequence: number;
}

/** Written whole from the order's one event (orders are never changed), so a replay is exact. */
export const ordersProjection: Projector = {
  name: 'orders',
  collections: [{ name: ORDERS, indexes: ['accountId', 'sequence'] }],
  eventTypes: ['OrderPlaced'],
  project(recorded): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & OrderEvent;
    const doc: OrderDoc = { ...orderView(event.data), orderDate: event.data.orderDate, sequence: recorded.position };
    return [{ op: 'upsert', collection: ORDERS, tenantId: recorded.metadata.tenantId, id: event.data.orderId, doc, position: recorded.position }];
  },
};
