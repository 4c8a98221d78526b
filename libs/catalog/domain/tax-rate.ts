import { parseDecimal } from '../../shared-kernel/decimal';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { parseCountry } from '../../shared-kernel/country';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { streamName } from '../../shared-kernel/streams';
import { optional, text, validateAll } from '../../shared-kernel/validation';

/**
 * One rate of the tenant's tax table (DOMAIN.md §13): `percent` of the taxable amount of the lines whose tax
 * category is `taxCategory` (null: lines of a category no rate of the place names), for accounts in `country`
 * (null: anywhere) and `region` (null: the whole country). Exclusive rates add to the price, inclusive ones are
 * carved out of it. Immutable once created: invoices posted keep the tax they were computed with.
 */
export interface TaxRate {
  taxRateId: string;
  name: string;
  /** Normalised decimal string, 0 to 100, up to 4 decimals. */
  percent: string;
  country: string | null;
  region: string | null;
  taxCategory: string | null;
  inclusive: boolean;
}

const MAX_PERCENT_DECIMALS = 4;

export function parseTaxRate(taxRateId: string, input: Record<string, unknown>): TaxRate {
  const fields = validateAll({
    name: () => text(input.name, 'name', 200),
    percent: () => percentOf(input.percent, 'percent'),
    country: () => optional(input.country, 'country', parseCountry),
    region: () => optional(input.region, 'region', (value, field) => text(value, field, 100)),
    taxCategory: () => optional(input.taxCategory, 'taxCategory', taxCategoryOf),
    inclusive: () => optional(input.inclusive, 'inclusive', boolean) ?? false,
  });
  if (fields.region !== null && fields.country === null) {
    throw InvalidInputError.forField('region', 'regionNeedsCountry', 'a region is within a country: send country too (ISO 3166-1 alpha-2)');
  }
  return { taxRateId, ...fields };
}

/** A tax category (of a rate, a plan's service): an id-like word such as "standard", "ebooks", "saas". */
export function taxCategoryOf(value: unknown, field: string): string {
  assertValidId(value, field);
  return value;
}

function percentOf(value: unknown, field: string): string {
  const percent = parseDecimal(value, field);
  if (percent.lt(0) || percent.gt(100) || percent.decimalPlaces() > MAX_PERCENT_DECIMALS) {
    throw InvalidInputError.forField(field, 'percentRange', `${field} must be from 0 to 100 with at most ${MAX_PERCENT_DECIMALS} decimals, e.g. "20" or "8.875" (got ${JSON.stringify(value)})`);
  }
  return percent.toString();
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw InvalidInputError.forField(field, 'boolean', `${field} must be true or false (got ${JSON.stringify(value)})`);
  return value;
}

export type TaxRateCreated = { type: 'TaxRateCreated'; data: TaxRate & { createdOn: CalendarDate } };
export type TaxRateEvent = TaxRateCreated;
export type TaxRateCommand = { type: 'CreateTaxRate'; data: { taxRateId: string; input: Record<string, unknown>; today: CalendarDate } };

/** One tax rate (stream `taxRate-<tenant>.<id>`). */
export const taxRateDecider: Decider<TaxRateCommand, TaxRateEvent, TaxRate | null> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateTaxRate': {
        const rate = parseTaxRate(command.data.taxRateId, command.data.input);
        if (state !== null) {
          if (JSON.stringify(state) === JSON.stringify(rate)) return [];
          throw new ConflictError(`tax rate ${rate.taxRateId} already exists with other terms; create another rate`, [
            { field: 'id', rule: 'unique', message: `tax rate ${rate.taxRateId} already exists` },
          ]);
        }
        return [{ type: 'TaxRateCreated', data: { ...rate, createdOn: command.data.today } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'TaxRateCreated': {
        const { createdOn: _on, ...rate } = event.data;
        return rate;
      }
      default:
        return assertNever(event.type);
    }
  },
};

export function taxRateView(rate: TaxRate) {
  const { taxRateId, ...rest } = rate;
  return { id: taxRateId, ...rest };
}

export function taxRateStream(tenantId: string, taxRateId: string): string {
  return streamName('taxRate', tenantId, taxRateId);
}
