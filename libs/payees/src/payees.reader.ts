import { Injectable } from '@nestjs/common';
import { PayeesRepository } from './payees.repository';

/** What other contexts (statements, exports, runs) read about payees. */
export interface PayeeFacts {
  name: string | null;
  employeeId: string | null;
  payrollCode: string | null;
  listedUpstream: boolean;
}

@Injectable()
export class PayeesReader {
  constructor(private readonly payees: PayeesRepository) {}

  /** The known payees among `ids`; an id missing from the map is a payee Aura never listed. */
  async factsOf(ids: readonly string[]): Promise<Map<string, PayeeFacts>> {
    const unique = [...new Set(ids)];
    const rows = await this.payees.findMany(unique);
    return new Map(
      rows.map((row) => [row.id, { name: row.name, employeeId: row.employeeId, payrollCode: row.payrollCode, listedUpstream: row.listedUpstream }]),
    );
  }
}
