export interface EngineInputProblem {
  /** What the problem is in: a plan, a call, or the run's own settings. */
  source: 'plan' | 'call' | 'input';
  /** The plan or call id, when there is one. */
  id: string | null;
  field: string;
  message: string;
}

/**
 * computePayouts was handed something it cannot compute from (an invalid
 * plan, a call without a decimal base amount, two calls with one id …).
 * Nothing is computed; every problem found is listed.
 */
export class EngineInputError extends Error {
  constructor(readonly problems: EngineInputProblem[]) {
    super(
      `Cannot compute payouts: ${problems
        .slice(0, 5)
        .map((p) => `${p.source}${p.id !== null ? ` ${p.id}` : ''} ${p.field}: ${p.message}`)
        .join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
    );
    this.name = 'EngineInputError';
  }
}
