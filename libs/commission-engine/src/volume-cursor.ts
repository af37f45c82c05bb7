import { ZERO, plainDecimal, type Decimal } from './money';

/**
 * Where a call stands in its payee's (role, period) volume, walked in
 * commission order. Volume texts are made only when an explanation needs
 * them, and each is made once (one call's "after" is the next one's "before").
 */
export class VolumeCursor {
  /** Calls before the current one. */
  countBefore = 0;
  amountBefore: Decimal = ZERO;
  amountAfter: Decimal;
  private beforeText: string | null = '0';
  private afterText: string | null = null;
  private totalText: string | null = null;

  /**
   * @param tracksAmount false when no plan in the group has amount tiers:
   *   the running amount is then never read, and never summed.
   */
  constructor(
    readonly amountTotal: Decimal,
    readonly countTotal: number,
    firstBase: Decimal,
    private readonly tracksAmount = true,
  ) {
    this.amountAfter = firstBase;
  }

  amountBeforeText(): string {
    return (this.beforeText ??= plainDecimal(this.amountBefore));
  }

  amountAfterText(): string {
    return (this.afterText ??= plainDecimal(this.amountAfter));
  }

  amountTotalText(): string {
    return (this.totalText ??= plainDecimal(this.amountTotal));
  }

  /** Moves to the next call, whose base is `nextBase`. */
  advance(nextBase: Decimal): void {
    this.countBefore += 1;
    if (!this.tracksAmount) return;
    this.amountBefore = this.amountAfter;
    this.beforeText = this.afterText;
    this.amountAfter = this.amountBefore.plus(nextBase);
    this.afterText = null;
  }
}
