import { Invoice, InvoiceLine } from '../../plan-instances/domain/invoice';
import { withPayers } from '../../plan-instances/domain/payers';
import {
  AccountBalance,
  addToSections,
  addToStatement,
  Contribution,
  contributionsOf,
  emptyBalance,
  nestSections,
  openStatement,
  postToBalance,
  sectionPath,
  Statement,
  statementDateFor,
  StatementSection,
} from './statement';

const line = (type: InvoiceLine['type'], amount: number, serviceId = type === 'usage' ? 'gb' : 'base'): InvoiceLine => ({
  type,
  planInstanceId: 'pi-1',
  serviceId,
  description: `${type} ${serviceId}`,
  periodStart: '2024-01-01',
  periodEnd: '2024-01-31',
  quantity: '1',
  unitPrice: null,
  amount,
  prorated: false,
});

const invoice = (accountId: string, lines: InvoiceLine[], extra: Partial<Invoice> = {}): Invoice => ({
  invoiceId: `inv-${accountId}`,
  accountId,
  planInstanceId: 'pi-1',
  invoiceDate: '2024-01-01',
  dueDate: '2024-01-15',
  currency: 'USD',
  total: lines.reduce((sum, l) => sum + l.amount, 0),
  lines,
  ...extra,
});

type Posted = Statement & { sections: StatementSection[] };

/** Posts every contribution of the invoices in order, as the projector does, and returns each account's statements with their sections. */
function post(invoices: Invoice[]): { statements: Map<string, Posted>; balances: Map<string, AccountBalance> } {
  const statements = new Map<string, Statement>();
  const sections = new Map<string, StatementSection>();
  const balances = new Map<string, AccountBalance>();
  for (const inv of invoices) {
    for (const c of contributionsOf(inv)) {
      const balance = balances.get(c.accountId) ?? emptyBalance(c.accountId, c.currency);
      const date = statementDateFor(c.invoiceDate, balance.lastStatementDate);
      const key = `${c.accountId}:${date}`;
      const after = { ...postToBalance(balance, c.charges - c.credits), lastStatementDate: date };
      const late = date !== c.invoiceDate;
      statements.set(key, addToStatement(statements.get(key) ?? openStatement(balance, date, c.currency), c, late));
      if (c.sectionPath) {
        for (const section of addToSections(key, { ...c, sectionPath: c.sectionPath }, late, (a) => sections.get(`${key}/${a}`) ?? null)) sections.set(`${key}/${section.accountId}`, section);
      }
      balances.set(c.accountId, after);
    }
  }
  const withSections = new Map([...statements].map(([key, statement]) => [key, { ...statement, sections: [...sections.values()].filter((s) => s.statementId === key) }]));
  return { statements: withSections, balances };
}

describe('statements (DOMAIN.md §5, §7, §8)', () => {
  it("parent pays recurring, child pays usage: the parent's statement has a section for the child; the child's shows the fee paid by the parent", () => {
    const lines = withPayers([line('recurring', 10000), line('usage', 2720)], 'child', { recurring: [{ payerAccountId: 'parent', percent: '100' }] });
    const [own, payer] = contributionsOf(invoice('child', lines, { ancestors: ['parent'] }));
    expect(own).toMatchObject({ accountId: 'child', sectionPath: null, charges: 2720, credits: 0 });
    expect(own.lines.map((l) => [l.amount, l.owed, l.paidBy])).toEqual([
      [10000, 0, [{ accountId: 'parent', amount: 10000 }]],
      [2720, 2720, undefined],
    ]);
    expect(payer).toMatchObject({ accountId: 'parent', sectionPath: ['child'], charges: 10000, credits: 0 });
    expect(payer.lines.map((l) => [l.serviceId, l.owed, l.paidBy])).toEqual([['base', 10000, undefined]]);

    const { statements } = post([invoice('child', lines, { ancestors: ['parent'] })]);
    expect(statements.get('child:2024-01-01')).toMatchObject({ charges: 2720, closingBalance: 2720, amountDue: 2720, sections: [] });
    expect(statements.get('parent:2024-01-01')).toMatchObject({ openingBalance: 0, charges: 10000, closingBalance: 10000, lines: [] });
  });

  it('splits by percentage: 60/40 of 100.01 owes 60.01 and 40.00, each statement showing the other part as paidBy', () => {
    const lines = withPayers([line('recurring', 10001)], 'child', {
      recurring: [
        { payerAccountId: 'child', percent: '60' },
        { payerAccountId: 'parent', percent: '40' },
      ],
    });
    const { statements } = post([invoice('child', lines, { ancestors: ['parent'] })]);
    const child = statements.get('child:2024-01-01')!;
    const parent = statements.get('parent:2024-01-01')!;
    expect(child.lines[0]).toMatchObject({ amount: 10001, owed: 6001, paidBy: [{ accountId: 'parent', amount: 4000 }] });
    expect(parent.sections[0].lines[0]).toMatchObject({ amount: 10001, owed: 4000, paidBy: [{ accountId: 'child', amount: 6001 }] });
    expect(child.closingBalance + parent.closingBalance).toBe(10001);
  });

  it('nests sections as the tree is: grandchild inside child inside parent, totals including nested sections', () => {
    const all = { recurring: [{ payerAccountId: 'parent', percent: '100' }] };
    const { statements } = post([
      invoice('child', withPayers([line('recurring', 5000)], 'child', all), { ancestors: ['parent'] }),
      invoice('grandchild', withPayers([line('recurring', 3000), line('usage', 123)], 'grandchild', all), { ancestors: ['child', 'parent'] }),
    ]);
    const parent = statements.get('parent:2024-01-01')!;
    expect(parent.charges).toBe(8000);
    const names: Record<string, string> = { child: 'Child', grandchild: 'Grandchild' };
    const nested = nestSections(parent.sections, (id) => names[id] ?? null);
    expect(nested).toHaveLength(1);
    expect(nested[0]).toMatchObject({ accountId: 'child', name: 'Child', total: 8000 });
    expect(nested[0].lines.map((l) => l.owed)).toEqual([5000]);
    expect(nested[0].sections).toHaveLength(1);
    expect(nested[0].sections[0]).toMatchObject({ accountId: 'grandchild', name: 'Grandchild', total: 3000, sections: [] });
    // The grandchild pays its usage itself; the child pays nothing of the grandchild's: no section there.
    expect(statements.get('grandchild:2024-01-01')).toMatchObject({ charges: 123, closingBalance: 123 });
    expect(statements.get('child:2024-01-01')).toMatchObject({ charges: 0, sections: [] });
  });

  it('creates the enclosing section of an intermediate account that pays nothing itself', () => {
    const lines = withPayers([line('recurring', 3000)], 'grandchild', { recurring: [{ payerAccountId: 'parent', percent: '100' }] });
    const { statements } = post([invoice('grandchild', lines, { ancestors: ['child', 'parent'] })]);
    const nested = nestSections(statements.get('parent:2024-01-01')!.sections, () => null);
    expect(nested).toMatchObject([{ accountId: 'child', lines: [], total: 3000, sections: [{ accountId: 'grandchild', total: 3000 }] }]);
  });

  it('section paths: down from the payer when it is an ancestor, flat otherwise', () => {
    expect(sectionPath('parent', 'gc', ['child', 'parent', 'root'])).toEqual(['child', 'gc']);
    expect(sectionPath('root', 'gc', ['child', 'parent', 'root'])).toEqual(['parent', 'child', 'gc']);
    expect(sectionPath('child', 'gc', ['child', 'parent'])).toEqual(['gc']);
    expect(sectionPath('sibling', 'gc', ['child', 'parent'])).toEqual(['gc']);
  });

  it('pooled usage (DOMAIN.md §6: 27.20, 40.80, 102.00) paid by the pool owner: one section per member, 170.00 owed', () => {
    const usage = { usage: [{ payerAccountId: 'family', percent: '100' }] };
    const members: Array<[string, number]> = [
      ['m1', 2720],
      ['m2', 4080],
      ['m3', 10200],
    ];
    const { statements } = post(members.map(([id, amount]) => invoice(id, withPayers([line('usage', amount)], id, usage), { ancestors: ['family'], invoiceDate: '2024-02-01', dueDate: '2024-02-01' })));
    const family = statements.get('family:2024-02-01')!;
    expect(family).toMatchObject({ charges: 17000, closingBalance: 17000, amountDue: 17000, dueDate: '2024-02-01' });
    expect(family.sections.map((s) => [s.accountId, s.owed])).toEqual(members);
    for (const [id] of members) expect(statements.get(`${id}:2024-02-01`)).toMatchObject({ charges: 0, closingBalance: 0, amountDue: 0 });
  });

  it('carries the balance: opening = previous closing; credits shown positive; the period runs from the day after the last statement', () => {
    const { statements, balances } = post([
      invoice('a', [line('recurring', 10000)], { invoiceId: 'i1', invoiceDate: '2024-01-01', dueDate: '2024-01-15' }),
      invoice('a', [line('credit', -517), line('recurring', 1500)], { invoiceId: 'i2', invoiceDate: '2024-02-15', dueDate: '2024-02-29' }),
    ]);
    expect(statements.get('a:2024-01-01')).toMatchObject({ periodStart: '2024-01-01', periodEnd: '2024-01-01', openingBalance: 0, charges: 10000, credits: 0, closingBalance: 10000 });
    expect(statements.get('a:2024-02-15')).toMatchObject({
      periodStart: '2024-01-02',
      periodEnd: '2024-02-15',
      openingBalance: 10000,
      charges: 1500,
      credits: 517,
      payments: 0,
      closingBalance: 10983,
      amountDue: 10983,
      // Its own charge: the invoice's credit nets against its own charges first (it owes 9.83 net); January's is January's.
      dueDate: '2024-02-29',
      openCharges: [{ dueDate: '2024-02-29', amount: 983 }],
      invoiceIds: ['i2'],
    });
    expect(statements.get('a:2024-01-01')).toMatchObject({ dueDate: '2024-01-15', openCharges: [{ dueDate: '2024-01-15', amount: 10000 }] });
    expect(balances.get('a')).toEqual({ accountId: 'a', currency: 'USD', balance: 10983, lastStatementDate: '2024-02-15' });
  });

  it('a late invoice (dated before the latest statement) joins the latest statement, marked; the superseded one is not rewritten', () => {
    const { statements } = post([
      invoice('a', [line('recurring', 1000)], { invoiceId: 'i1', invoiceDate: '2024-01-01', dueDate: '2024-01-01' }),
      invoice('a', [line('recurring', 2000)], { invoiceId: 'i2', invoiceDate: '2024-02-01', dueDate: '2024-02-01' }),
      invoice('a', [line('usage', 300)], { invoiceId: 'i3', invoiceDate: '2024-01-31', dueDate: '2024-01-31' }),
    ]);
    expect(statements.get('a:2024-01-01')!.closingBalance).toBe(1000);
    expect(statements.has('a:2024-01-31')).toBe(false);
    const latest = statements.get('a:2024-02-01')!;
    expect(latest).toMatchObject({ openingBalance: 1000, charges: 2300, closingBalance: 3300, invoiceIds: ['i2', 'i3'] });
    expect(latest.lines.map((l) => l.lateInvoice)).toEqual([undefined, true]);
    expect(statementDateFor('2024-01-31', '2024-02-01')).toBe('2024-02-01');
    expect(statementDateFor('2024-02-02', '2024-02-01')).toBe('2024-02-02');
    expect(statementDateFor('2024-02-02', null)).toBe('2024-02-02');
  });

  it('a net credit of an invoice is account credit, for the payments context to apply: it settles no charge by itself', () => {
    const { statements, balances } = post([
      invoice('a', [line('recurring', 1000)], { invoiceId: 'i1' }),
      invoice('a', [line('credit', -400)], { invoiceId: 'i2', invoiceDate: '2024-02-01', dueDate: '2024-02-01' }),
    ]);
    expect(statements.get('a:2024-02-01')).toMatchObject({ openingBalance: 1000, charges: 0, credits: 400, closingBalance: 600, amountDue: 600, dueDate: null, openCharges: [] });
    expect(statements.get('a:2024-01-01')).toMatchObject({ openCharges: [{ dueDate: '2024-01-15', amount: 1000 }] });
    expect(balances.get('a')!.balance).toBe(600);
    const onlyCredit = post([invoice('a', [line('credit', -400)])]).statements.get('a:2024-01-01')!;
    expect(onlyCredit).toMatchObject({ charges: 0, credits: 400, closingBalance: -400, amountDue: 0, dueDate: null });
  });

  it('lines without payers are owed by the invoiced account; contributions add up to the invoice total', () => {
    const lines = [
      ...withPayers([line('recurring', 999)], 'x', {
        recurring: [
          { payerAccountId: 'p1', percent: '33.3333' },
          { payerAccountId: 'p2', percent: '33.3333' },
          { payerAccountId: 'x', percent: '33.3334' },
        ],
      }),
      line('usage', 77),
    ];
    const inv = invoice('x', lines, { ancestors: ['p1'] });
    const contributions: Contribution[] = contributionsOf(inv);
    expect(contributions.map((c) => [c.accountId, c.charges, c.sectionPath])).toEqual([
      ['x', 333 + 77, null],
      ['p1', 333, ['x']],
      ['p2', 333, ['x']],
    ]);
    expect(contributions.reduce((sum, c) => sum + c.charges - c.credits, 0)).toBe(inv.total);
  });
});
