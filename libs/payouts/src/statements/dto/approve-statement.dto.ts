import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class ApproveStatementDto {
  @ApiPropertyOptional({ description: 'Approve only if the statement still has this hash (the one you reviewed); 409 otherwise' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'hash must be the 64 hex digits of a statement hash' })
  hash?: string;
}
