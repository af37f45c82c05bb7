import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';

export class ListWebhookEventsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'processing', 'processed', 'ignored', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'processing', 'processed', 'ignored', 'failed'])
  status?: string;

  @ApiPropertyOptional({ example: 'payment.refunded' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  event?: string;

  @ApiPropertyOptional({ description: 'The call or payment id the event named' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  data_id?: string;
}
