import { fold } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { CreateItem, ItemCreated, itemDecider, itemStream, itemUnitAmount, MAX_UNIT_PRICE } from './item.decider';

const spec = specFor(itemDecider);

const create = (change: Partial<CreateItem['data']> = {}): CreateItem => ({
  type: 'CreateItem',
  data: { itemId: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00', on: '2024-01-31', ...change },
});
const created = (change: Partial<ItemCreated['data']> = {}): ItemCreated => ({
  type: 'ItemCreated',
  data: { itemId: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00', createdOn: '2024-01-31', ...change },
});

function refused(command: CreateItem): string[][] {
  const error = spec.given([]).when(command).thenThrows(InvalidInputError);
  return error.details.map((detail) => [detail.field, detail.rule]);
}

describe('item decider', () => {
  it('creates an item on the business date, its name trimmed', () => {
    spec.given([]).when(create({ name: '  Installation kit ' })).then([created()]);
  });

  it.each<[string, string, string]>([
    ['USD', '5', '5.00'],
    ['USD', '0005.5', '5.50'],
    ['JPY', '500', '500'],
    ['KWD', '1.25', '1.250'],
    ['CLF', '0.0001', '0.0001'],
  ])('writes a %s price of "%s" with exactly its minor digits ("%s")', (currency, unitPrice, written) => {
    spec.given([]).when(create({ currency, unitPrice })).then([created({ currency, unitPrice: written })]);
  });

  it('the same id with the same definition decides nothing, whatever the date or the way the price is written', () => {
    spec.given([created()]).when(create({ unitPrice: '1000', name: 'Installation kit ', on: '2024-03-01' })).then([]);
  });

  it('the same id with another definition is a 409 on id naming what differs', () => {
    const error = spec.given([created()]).when(create({ unitPrice: '999.00', currency: 'EUR' })).thenThrows(ConflictError, /different currency, unitPrice/);
    expect(error.details).toEqual([expect.objectContaining({ field: 'id', rule: 'unique' })]);
  });

  it('bad input is refused before the duplicate check', () => {
    spec.given([created()]).when(create({ unitPrice: '0' })).thenThrows(InvalidInputError);
  });

  it.each<[string, Partial<CreateItem['data']>, string, string]>([
    ['a bad id', { itemId: 'a b' }, 'id', 'id'],
    ['no name', { name: undefined }, 'name', 'required'],
    ['a blank name', { name: '  ' }, 'name', 'notBlank'],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name', 'maxLength'],
    ['a name that is not text', { name: 3 }, 'name', 'type'],
    ['an unknown currency', { currency: 'usd' }, 'currency', 'isoCurrency'],
    ['no currency', { currency: undefined }, 'currency', 'isoCurrency'],
    ['no price', { unitPrice: undefined }, 'unitPrice', 'decimal'],
    ['a price as a number', { unitPrice: 10 }, 'unitPrice', 'decimal'],
    ['a price in exponent form', { unitPrice: '1e3' }, 'unitPrice', 'decimal'],
    ['a zero price', { unitPrice: '0.00' }, 'unitPrice', 'positive'],
    ['a negative price', { unitPrice: '-5.00' }, 'unitPrice', 'positive'],
    ['a price finer than cents', { unitPrice: '5.001' }, 'unitPrice', 'minorUnits'],
    ['a fractional yen price', { currency: 'JPY', unitPrice: '5.5' }, 'unitPrice', 'minorUnits'],
    ['a price over the largest', { unitPrice: '10000000000.01' }, 'unitPrice', 'amountRange'],
  ])('refuses %s (400 with the field and the rule)', (_name, change, field, rule) => {
    expect(refused(create(change))).toEqual([[field, rule]]);
  });

  it('reports every bad field at once; with an unknown currency the price is checked as far as it can be', () => {
    expect(refused(create({ name: '', currency: 'XXX', unitPrice: '5.001' }))).toEqual([
      ['name', 'notBlank'],
      ['currency', 'isoCurrency'],
    ]);
    expect(refused(create({ name: '', currency: 'XXX', unitPrice: '-1' }))).toEqual([
      ['name', 'notBlank'],
      ['currency', 'isoCurrency'],
      ['unitPrice', 'positive'],
    ]);
  });

  it('accepts the largest price', () => {
    spec.given([]).when(create({ unitPrice: MAX_UNIT_PRICE })).then([created({ unitPrice: `${MAX_UNIT_PRICE}.00` })]);
  });

  it('folds into the item as the API shows it', () => {
    expect(fold(itemDecider, [created()])).toEqual({ id: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00', createdOn: '2024-01-31' });
  });

  it('has its unit amount in minor units and its own stream per tenant', () => {
    expect(itemUnitAmount({ currency: 'USD', unitPrice: '1000.00' })).toBe(100000);
    expect(itemUnitAmount({ currency: 'JPY', unitPrice: '500' })).toBe(500);
    expect(itemStream('t1', 'kit')).toBe('item-t1.kit');
  });

  it('keeps an optional taxCategory (decision 0021), an id-like word; another category under the same id is a 409', () => {
    spec.given([]).when(create({ taxCategory: 'ebooks' })).then([created({ taxCategory: 'ebooks' })]);
    expect(fold(itemDecider, [created({ taxCategory: 'ebooks' })])).toMatchObject({ id: 'kit', taxCategory: 'ebooks' });
    expect(fold(itemDecider, [created()])).not.toHaveProperty('taxCategory');
    expect(refused(create({ taxCategory: 'not a word!' }))).toEqual([['taxCategory', 'id']]);
    spec.given([created()]).when(create({ taxCategory: 'ebooks' })).thenThrows(ConflictError);
    spec.given([created({ taxCategory: 'ebooks' })]).when(create({ taxCategory: 'ebooks' })).then([]);
  });
});
