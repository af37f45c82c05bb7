import { ApiProperty } from '@nestjs/swagger';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { PERSON_ID_PATTERN } from '@app/http-platform';
import { ROLES, type AccessRole } from '../../authorization/roles';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'payroll export job' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: AccessRole;

  @ApiPropertyOptional({ example: 'user_2abc123xyz', description: 'Required for role payee, refused for any other: the one payee the key reads for' })
  @ValidateIf((body: { role?: string; payee_id?: unknown }) => body.role === 'payee' || body.payee_id !== undefined)
  @IsString({ message: 'payee_id is required for a payee key (a user_… id), and only for one' })
  @Matches(PERSON_ID_PATTERN, { message: 'payee_id must be a user_… id or a uuid' })
  payee_id?: string;
}
