import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';
import { PERIOD_PATTERN, PERIOD_RULE } from '../../periods/period';

export const STATEMENT_STATUSES = ['draft', 'approved', 'paid'] as const;

export class ListStatementsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: `period must be ${PERIOD_RULE}` })
  period?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) payee_id?: string;

  @ApiPropertyOptional({ enum: STATEMENT_STATUSES })
  @IsOptional()
  @IsIn(STATEMENT_STATUSES)
  status?: (typeof STATEMENT_STATUSES)[number];
}
