import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';
import { PERIOD_PATTERN, PERIOD_RULE } from '../../periods/period';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

export class ListRunsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: `period must be ${PERIOD_RULE}` })
  period?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: string;
}
