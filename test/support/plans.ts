/** A monthly plan with one recurring service ("base", per unit): what most HTTP specs bill. */
export function monthlyPlan(id: string, unitPrice: string, currency = 'USD', interval = { unit: 'month', count: 1 }) {
  return {
    id,
    name: `Plan ${id}`,
    currency,
    billingInterval: interval,
    services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice } }],
  };
}
