import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Finance's mapping of a payee to payroll; both fields required, null clears one. */
export class SetPayrollIdsDto {
  @ApiProperty({ type: String, nullable: true, example: 'E-10442', description: "The employee id in payroll's system; null clears it" })
  @ValidateIf((body: { employee_id?: unknown }) => body.employee_id !== null)
  @IsString({ message: 'employee_id must be a string of 1 to 64 characters, or null' })
  @MaxLength(64, { message: 'employee_id must be at most 64 characters' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, { message: 'employee_id must start with a letter or digit and hold only letters, digits and . _ - /' })
  employee_id!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'COMM-SALES', description: 'The pay code the payroll import books commission under; null clears it' })
  @ValidateIf((body: { payroll_code?: unknown }) => body.payroll_code !== null)
  @IsString({ message: 'payroll_code must be a string of 1 to 64 characters, or null' })
  @MaxLength(64, { message: 'payroll_code must be at most 64 characters' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, { message: 'payroll_code must start with a letter or digit and hold only letters, digits and . _ - /' })
  payroll_code!: string | null;
}
