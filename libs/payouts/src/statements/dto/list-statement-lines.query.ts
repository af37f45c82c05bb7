import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';
import { LINE_KINDS, type LineKind } from '../../ledger/period-ledger';

export class ListStatementLinesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: LINE_KINDS })
  @IsOptional()
  @IsIn(LINE_KINDS)
  kind?: LineKind;

  @ApiPropertyOptional({ enum: ['closer', 'setter'] })
  @IsOptional()
  @IsIn(['closer', 'setter'])
  role?: 'closer' | 'setter';

  @ApiPropertyOptional({ description: 'Only the lines of this Aura call (its commission and its adjustments)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  call_id?: string;
}
