import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class MarkPaidDto {
  @ApiProperty({ example: 'PAYROLL-2026-11-0042', minLength: 1, maxLength: 200, description: "Payroll's own reference for the payment" })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'payroll_reference must be a string of 1 to 200 characters' })
  @IsNotEmpty({ message: 'payroll_reference must be a string of 1 to 200 characters' })
  @MaxLength(200, { message: 'payroll_reference must be a string of 1 to 200 characters' })
  payroll_reference: string;
}
