import { Inject, Injectable } from '@nestjs/common';
import { Decimal, formatMoney } from '@app/commission-engine';
import { commissionConfig, type CommissionConfig } from '@app/configuration';
import { LedgerRepository } from '../ledger/ledger.repository';
import { BalanceView } from './dto/balance.view';

@Injectable()
export class BalancesService {
  constructor(
    private readonly ledger: LedgerRepository,
    @Inject(commissionConfig.KEY) private readonly config: CommissionConfig,
  ) {}

  /** The payee's carried balances still waiting for a statement to recover them (negative: owed by the payee). */
  async of(payeeId: string): Promise<BalanceView> {
    const carries = await this.ledger.carriesNotRecovered(payeeId);
    const total = carries.reduce((sum, carry) => sum.minus(carry.amount), new Decimal(0));
    return {
      payee_id: payeeId,
      currency: this.config.currency,
      to_recover: formatMoney(total, this.config.currency),
      carried: carries.map((carry) => ({
        statement_id: carry.statementId,
        period: carry.period,
        line_id: carry.lineId,
        amount: formatMoney(new Decimal(carry.amount).neg(), this.config.currency),
      })),
    };
  }
}
