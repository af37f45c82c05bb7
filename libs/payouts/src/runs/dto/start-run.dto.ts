import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
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
}
