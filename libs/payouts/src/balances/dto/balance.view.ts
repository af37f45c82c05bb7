import { ApiProperty } from '@nestjs/swagger';

/** A balance carried forward and not yet taken in by a later statement. */
export class CarriedBalanceView {
  @ApiProperty({ format: 'uuid', description: 'The statement that carried it' }) statement_id: string;
  @ApiProperty({ example: '2026-09' }) period: string;
  @ApiProperty({ description: 'Its carry_forward line' }) line_id: string;
  @ApiProperty({ example: '-120.00', description: 'Negative: owed by the payee' }) amount: string;
}

/** GET /v1/payees/{id}/balance: what is still to recover from the payee. */
export class BalanceView {
  @ApiProperty() payee_id: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '-120.00', description: 'The sum still to recover (0.00 when nothing is)' }) to_recover: string;
  @ApiProperty({ type: [CarriedBalanceView] }) carried: CarriedBalanceView[];
}
