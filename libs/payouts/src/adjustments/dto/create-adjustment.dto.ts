import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { PERIOD_PATTERN, PERIOD_RULE } from '@app/commission-engine';
import { PERSON_ID_PATTERN } from '@app/http-platform';

export const ADJUSTMENT_CATEGORIES = ['bonus', 'spiff', 'correction', 'draw'] as const;
export type AdjustmentCategory = (typeof ADJUSTMENT_CATEGORIES)[number];

/** A signed decimal string, not zero, at most 12 whole digits; its decimals are checked against the currency by the service. */
@ValidatorConstraint({ name: 'signedAmount' })
class SignedAmount implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && /^-?\d{1,12}(\.\d{1,6})?$/.test(value) && !/^-?0+(\.0+)?$/.test(value);
  }

  defaultMessage(): string {
    return 'amount must be a signed decimal string such as "250.00" or "-75.50", not zero and not a JSON number';
  }
}

export class CreateAdjustmentDto {
  @ApiProperty({ example: 'user_2abc123xyz', description: 'The payee (closer or setter id)' })
  @IsString({ message: 'payee_id must be a payee id such as user_2abc…' })
  @MaxLength(200)
  @Matches(PERSON_ID_PATTERN, { message: 'payee_id must be a user_… id or a uuid' })
  payee_id!: string;

  @ApiProperty({ example: '2026-10', description: 'The statement period, YYYY-MM' })
  @IsString({ message: `period must be ${PERIOD_RULE}` })
  @Matches(PERIOD_PATTERN, { message: `period must be ${PERIOD_RULE}` })
  period!: string;

  @ApiProperty({ example: '250.00', description: 'Signed decimal string in the commission currency; not zero; at most its minor unit' })
  @Validate(SignedAmount)
  amount!: string;

  @ApiProperty({ enum: ADJUSTMENT_CATEGORIES })
  @IsIn(ADJUSTMENT_CATEGORIES, { message: `category must be one of ${ADJUSTMENT_CATEGORIES.join(', ')}` })
  category!: AdjustmentCategory;

  @ApiProperty({ example: 'Q4 launch SPIFF', description: 'Why, in words the payee will read on the statement' })
  @IsString({ message: 'reason is required: why, in words the payee will read' })
  @MaxLength(1000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}
