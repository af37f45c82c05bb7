import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { EVENT_TYPES, type EventType } from '../../event-types';

export class CreateSubscriptionDto {
  @ApiProperty({
    example: 'https://payroll.example.com/hooks/commissions',
    description: 'https, or http to a loopback address (127.0.0.1, ::1, localhost); no credentials, at most 2,000 characters',
  })
  @IsString()
  @MaxLength(2_000)
  url: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['statement.approved', 'period.approved'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true })
  event_types: EventType[];

  @ApiPropertyOptional({ example: 'payroll (Gusto bridge)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;
}
