import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';

export class ApproveStatementDto {
  @ApiPropertyOptional({ description: 'Approve only if the statement still has this hash (the one you reviewed); 409 otherwise' })
  // Absent means "no check"; null is not a hash (a 400, not a 409).
  @ValidateIf((body: { hash?: unknown }) => body.hash !== undefined)
  @IsString({ message: 'hash must be the 64 hex digits of a statement hash' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'hash must be the 64 hex digits of a statement hash' })
  hash?: string;

  @ApiPropertyOptional({ default: false, description: 'Approve even though a dispute on the statement is open (audited with the request)' })
  @IsOptional()
  @IsBoolean({ message: 'override_disputes must be true or false' })
  override_disputes?: boolean;
}

export class ApprovePeriodDto {
  @ApiPropertyOptional({ default: false, description: 'Approve even the drafts with an open dispute (audited with the request)' })
  @IsOptional()
  @IsBoolean({ message: 'override_disputes must be true or false' })
  override_disputes?: boolean;
}
