import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';

export class ListQuarantineQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Records last met by this sync run' })
  @IsOptional()
  @IsUUID()
  sync_run_id?: string;

  @ApiPropertyOptional({ example: 'invalid_deal_value' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reason?: string;

  @ApiPropertyOptional({ enum: ['call', 'payment', 'team_member'], description: 'Quarantined calls, payments or team members' })
  @IsOptional()
  @IsIn(['call', 'payment', 'team_member'])
  resource?: 'call' | 'payment' | 'team_member';
}
