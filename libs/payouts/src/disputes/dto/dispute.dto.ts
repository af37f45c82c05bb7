import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PERIOD_PATTERN, PERIOD_RULE } from '@app/commission-engine';
import { PageQueryDto } from '@app/http-platform';
import { DISPUTE_STATUSES, type DisputeStatus } from '../disputes.repository';

/** Trimmed before it is checked, so the 2,000 characters are the ones kept. */
const trimmed = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
/** At least one character a reader sees: zero-width, soft-hyphen and direction marks alone are blank. */
const VISIBLE = /[^\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/u;

export class OpenDisputeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'statement_id must be a statement id' })
  statement_id!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The line questioned, when it is one line' })
  @IsOptional()
  @IsUUID('all', { message: 'line_id must be a line id of the statement' })
  line_id?: string;

  @ApiProperty({ example: 'The deal on call 8f13… closed at 12,000, not 9,800.' })
  @trimmed
  @IsString({ message: 'message is required: what is wrong, in words' })
  @MaxLength(2000)
  @Matches(VISIBLE, { message: 'message must not be blank' })
  message!: string;
}

export class ResolveDisputeDto {
  @ApiProperty({ enum: ['accepted', 'rejected'] })
  @IsIn(['accepted', 'rejected'], { message: 'resolution must be accepted or rejected' })
  resolution!: 'accepted' | 'rejected';

  @ApiProperty({ example: 'Deal value corrected; difference added as a correction.' })
  @trimmed
  @IsString({ message: 'note is required: what was decided, in words the payee reads' })
  @MaxLength(2000)
  @Matches(VISIBLE, { message: 'note must not be blank' })
  note!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'With accepted: the manual adjustment that settles it' })
  @IsOptional()
  @IsUUID('all', { message: 'adjustment_id must be a manual adjustment id' })
  adjustment_id?: string;
}

export class ListDisputesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES, { message: `status must be one of ${DISPUTE_STATUSES.join(', ')}` })
  status?: DisputeStatus;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) payee_id?: string;

  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: `period must be ${PERIOD_RULE}` })
  period?: string;
}
