import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/access';
import { decodeCursor, NotFoundError, Page, toPage } from '@app/http-platform';
import { DatabaseService } from '@app/persistence';
import { PayeeDetailView, PayeeView, presentPayee, presentPayeeVersion } from './dto/payee.view';
import { PayeesRepository } from './payees.repository';

@Injectable()
export class PayeesService {
  constructor(
    private readonly database: DatabaseService,
    private readonly payees: PayeesRepository,
  ) {}

  async list(filter: { name?: string; listed?: boolean }, limit: number, cursor?: string): Promise<Page<PayeeView>> {
    const key = decodeCursor(cursor, ['text'] as const);
    const rows = await this.payees.list(filter, limit, key ? key[0] : null);
    return toPage(rows, limit, (row) => [row.id], presentPayee);
  }

  async get(id: string): Promise<PayeeDetailView> {
    const payee = await this.payees.find(id);
    if (!payee) throw new NotFoundError('Payee', id);
    return { ...presentPayee(payee), history: (await this.payees.history(id)).map(presentPayeeVersion) };
  }

  /** Finance maps a payee to payroll (employee id, pay code); every change is kept in the payee's history. */
  async setPayrollIds(id: string, ids: { employeeId: string | null; payrollCode: string | null }, principal: Principal): Promise<PayeeView> {
    const payee = await this.database.transaction((tx) => this.payees.setPayrollIds(tx, id, ids, principal.keyId, new Date()));
    return presentPayee(payee);
  }
}
