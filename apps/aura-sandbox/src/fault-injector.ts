import { RuntimeFaults } from './sandbox-options';
import { SeededRandom } from './seeded-random';

export type FaultDecision = { kind: 'none' } | { kind: 'throttle' } | { kind: 'server-error'; status: 500 | 502 | 503 } | { kind: 'stall' };

/** Rolls the configured faults for each request from a seeded PRNG. */
export class FaultInjector {
  private readonly random: SeededRandom;

  constructor(
    public faults: RuntimeFaults,
    seed: number | string,
  ) {
    this.random = new SeededRandom(seed, 'faults');
  }

  roll(): FaultDecision {
    const { rate429, rate5xx, stallRate } = this.faults;
    if (rate429 + rate5xx + stallRate === 0) return { kind: 'none' };
    const roll = this.random.next();
    const flavour = this.random.next();
    if (roll < rate429) return { kind: 'throttle' };
    if (roll < rate429 + rate5xx) {
      const statuses = this.faults.serverErrorStatuses;
      return { kind: 'server-error', status: statuses[Math.floor(flavour * statuses.length)] };
    }
    if (roll < rate429 + rate5xx + stallRate) return { kind: 'stall' };
    return { kind: 'none' };
  }
}
