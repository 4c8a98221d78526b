import { isKnownCurrency, parseCurrency } from '../../shared-kernel/currency';
import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { parseDecimal } from '../../shared-kernel/decimal';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { fromMajor, toMajorString } from '../../shared-kernel/money';
import { streamName } from '../../shared-kernel/streams';
import { optional, text, validateAll } from '../../shared-kernel/validation';

/**
 * A one-time item of the catalog (an "NSO", seed 002): something an order sells once, at one price in one
 * currency. Stream `item-<tenant>.<id>`. An item is never revised: a new price is a new item, so an order
 * always names exactly what it sold.
 */
export interface ItemDefinition {
  name: string;
  currency: string;
  /**
   * The price of one unit in major units of `currency`, written with exactly the currency's minor digits
   * ("5" USD is kept as "5.00", "500" JPY as "500"): an order charges it as is, so it may not be finer than the
   * currency can charge (unlike a plan's unit price, which is multiplied by quantities and prorated first).
   */
  unitPrice: string;
  /**
   * Which tax rates apply to it (POST /v1/tax-rates `taxCategory`, as a plan service's): absent, the rates naming
   * no category (decision 0021).
   */
  taxCategory?: string;
}

export interface Item extends ItemDefinition {
  id: string;
  /** The business date it was created on. */
  createdOn: string;
}

export type ItemCreated = DomainEvent<'ItemCreated', { itemId: string; createdOn: string } & ItemDefinition>;
export type ItemEvent = ItemCreated;

/** Fields loosely typed, as the API sends them; `on` is the tenant's business date. */
export interface CreateItemInput {
  itemId: string;
  name: unknown;
  currency: unknown;
  unitPrice: unknown;
  taxCategory?: unknown;
  on: string;
}

export type CreateItem = DomainCommand<'CreateItem', CreateItemInput>;
export type ItemCommand = CreateItem;

export type ItemState = Item | null;

export const ITEM_NAME_MAX_LENGTH = 200;
/** The largest unit price, in major units: the catalog's largest price (catalog/domain/input.ts MAX_PRICE, not exported by its door). */
export const MAX_UNIT_PRICE = '10000000000';

/**
 * Creating is the only command. The same id again with the same definition decides nothing (a retry is
 * answered with the item); with another definition it is a 409 naming what differs.
 */
export const itemDecider: Decider<ItemCommand, ItemEvent, ItemState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateItem': {
        const { itemId, on } = command.data;
        const { definition } = validateAll({ id: () => assertValidId(itemId, 'id'), definition: () => parseItemDefinition(command.data) });
        if (state !== null) {
          const differing = (['name', 'currency', 'unitPrice', 'taxCategory'] as const).filter((field) => state[field] !== definition[field]);
          if (differing.length === 0) return [];
          throw duplicate('item', itemId, differing);
        }
        return [{ type: 'ItemCreated', data: { itemId, ...definition, createdOn: on } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'ItemCreated': {
        const { itemId, name, currency, unitPrice, taxCategory, createdOn } = event.data;
        return { id: itemId, name, currency, unitPrice, ...(taxCategory !== undefined ? { taxCategory } : {}), createdOn };
      }
      default:
        return assertNever(event.type);
    }
  },
};

/**
 * Every field checked, every error at once: `name`, `currency` (isoCurrency), `unitPrice` (decimal, positive,
 * amountRange, minorUnits), `taxCategory` (optional, an id-like word as the catalog's tax categories: rule `id`).
 */
export function parseItemDefinition(input: { name: unknown; currency: unknown; unitPrice: unknown; taxCategory?: unknown }): ItemDefinition {
  const { taxCategory, ...definition } = validateAll({
    name: () => text(input.name, 'name', ITEM_NAME_MAX_LENGTH),
    currency: () => parseCurrency(input.currency, 'currency'),
    unitPrice: () => parseUnitPrice(input.unitPrice, input.currency, 'unitPrice'),
    taxCategory: () => optional(input.taxCategory, 'taxCategory', (value, field) => {
      assertValidId(value, field);
      return value;
    }),
  });
  return taxCategory === null ? definition : { ...definition, taxCategory };
}

/**
 * A decimal string, > 0, at most the catalog's largest price (MAX_UNIT_PRICE), with no more decimals than the
 * currency's minor unit. With an unknown currency only the first three are checked (the currency's own error
 * says the rest).
 */
export function parseUnitPrice(value: unknown, currency: unknown, field: string): string {
  const price = parseDecimal(value, field);
  if (price.lte(0)) throw InvalidInputError.forField(field, 'positive', `${field} must be greater than zero (got "${String(value)}")`);
  if (price.gt(MAX_UNIT_PRICE)) {
    throw InvalidInputError.forField(field, 'amountRange', `${field} must be at most ${MAX_UNIT_PRICE} (got "${String(value)}"): a larger price could not be billed`);
  }
  if (!isKnownCurrency(currency)) return value as string;
  return toMajorString(fromMajor(value as string, currency, field));
}

/** The unit price in minor units of the item's currency (an order line's unit amount). */
export function itemUnitAmount(item: Pick<ItemDefinition, 'currency' | 'unitPrice'>): number {
  return fromMajor(item.unitPrice, item.currency, 'unitPrice').amount;
}

export function itemStream(tenantId: string, itemId: string): string {
  return streamName('item', tenantId, itemId);
}

/** 409 on `id` (rule `unique`): the id names another definition; what differs is in the message. */
export function duplicate(entity: string, id: string, differing: readonly string[]): ConflictError {
  const message = `${entity} ${id} already exists with a different ${differing.join(', ')}: an id names one ${entity}; use a new id for a new one`;
  return new ConflictError(message, [{ field: 'id', rule: 'unique', message }]);
}
