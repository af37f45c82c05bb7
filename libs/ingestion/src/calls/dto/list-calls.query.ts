import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';

export const REASONS = ['not_closed', 'no_payment', 'no_closer', 'no_deal_value', 'no_commission_date'] as const;

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListCallsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-01', description: 'Commission period YYYY-MM' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) closer_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) setter_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) status?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'commissionable must be true or false' })
  commissionable?: boolean;

  @ApiPropertyOptional({ enum: REASONS })
  @IsOptional()
  @IsIn(REASONS)
  reason?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'missing_upstream must be true or false' })
  missing_upstream?: boolean;
}
