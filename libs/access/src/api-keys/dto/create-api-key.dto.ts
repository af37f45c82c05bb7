import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { ROLES, type AccessRole } from '../../authorization/roles';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'payroll export job' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: AccessRole;
}
