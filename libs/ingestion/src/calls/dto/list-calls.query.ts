import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PERIOD_PATTERN, PERIOD_RULE } from '@app/commission-engine';
import { PageQueryDto } from '@app/http-platform';

import { NOT_COMMISSIONABLE_REASONS } from '../commissionability';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListCallsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-01', description: 'Commission period YYYY-MM' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: `period must be ${PERIOD_RULE}` })
  period?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) closer_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) setter_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) status?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'commissionable must be true or false' })
  commissionable?: boolean;

  @ApiPropertyOptional({ enum: NOT_COMMISSIONABLE_REASONS })
  @IsOptional()
  @IsIn(NOT_COMMISSIONABLE_REASONS)
  reason?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'missing_upstream must be true or false' })
  missing_upstream?: boolean;
}
