import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PERIOD_PATTERN, PERIOD_RULE } from '../../periods/period';

export class StartRunDto {
  @ApiProperty({ example: '2026-10', description: 'The commission period to pay, YYYY-MM' })
  @IsString({ message: `period must be ${PERIOD_RULE}` })
  @Matches(PERIOD_PATTERN, { message: 'period must be a period written YYYY-MM' })
  period: string;

  @ApiPropertyOptional({ default: false, description: 'Sync calls from Aura first, inside the run' })
  @IsOptional()
  @IsBoolean({ message: 'sync must be true or false' })
  sync?: boolean;

  @ApiPropertyOptional({
    enum: ['changed', 'all'],
    default: 'changed',
    description:
      'changed: compute the period and only the earlier periods whose calls, plans or settings changed since they were last computed (docs/payouts.md "What a run recomputes"); ' +
      'all: compute every earlier period that holds lines or was approved, as a check (the result is the same)',
  })
  @IsOptional()
  @IsIn(['changed', 'all'], { message: 'recompute must be changed or all' })
  recompute?: 'changed' | 'all';
}
