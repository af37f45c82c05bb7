import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PERIOD_PATTERN, PERIOD_RULE } from '@app/commission-engine';
import { PageQueryDto } from '@app/http-platform';
import { ADJUSTMENT_CATEGORIES } from './create-adjustment.dto';

export class ListAdjustmentsQuery extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) payee_id?: string;

  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: `period must be ${PERIOD_RULE}` })
  period?: string;

  @ApiPropertyOptional({ enum: ADJUSTMENT_CATEGORIES })
  @IsOptional()
  @IsIn(ADJUSTMENT_CATEGORIES)
  category?: string;
}
