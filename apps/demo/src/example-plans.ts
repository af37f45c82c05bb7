/**
 * The plans the demo loads: a tiered closer plan with a product rule and a
 * cap, and a setter plan with a UTM rule. Valid JSON for POST /v1/plans.
 */
export function examplePlans(productId: string, effectiveFrom: string): Record<string, unknown>[] {
  return [
    {
      name: 'Closers: tiered 8% → 10% → 12%',
      effective_from: effectiveFrom,
      effective_to: null,
      payees: null,
      priority: 0,
      self_set: 'closer_only',
      missing_setter: 'none',
      roles: {
        closer: {
          flat: '0',
          tiers: {
            basis: 'amount',
            mode: 'marginal',
            steps: [
              { from: '0', rate: '0.08' },
              { from: '25000', rate: '0.10' },
              { from: '60000', rate: '0.12' },
            ],
          },
          rules: [{ when: { product_id: [productId] }, rate: '0.15' }],
          max_per_call: '2500',
        },
      },
    },
    {
      name: 'Setters: 1% plus 50 per booked deal',
      effective_from: effectiveFrom,
      effective_to: null,
      payees: null,
      priority: 0,
      self_set: 'closer_only',
      missing_setter: 'closer',
      roles: {
        setter: {
          rate: '0.01',
          flat: '50',
          rules: [{ when: { utm_source: ['google'] }, flat: '75' }],
          max_per_period: '6000',
        },
      },
    },
  ];
}
