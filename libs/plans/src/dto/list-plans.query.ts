import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';

export class ListPlansQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date', example: '2026-03-01', description: 'Only plans whose window [effective_from, effective_to) holds this day' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'must be a date written YYYY-MM-DD' })
  active_on?: string;

  @ApiPropertyOptional({
    example: 'user_123',
    description:
      'Only plans that could pay this payee: plans naming the payee in `payees`, and default plans (payees null), ' +
      'since a default plan pays every payee who has no plan of their own.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  payee_id?: string;
}
