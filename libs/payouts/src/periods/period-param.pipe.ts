import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@app/http-platform';
import { isPeriod, PERIOD_RULE } from './period';

/** A `:period` route parameter; the 400 names it. */
@Injectable()
export class PeriodParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isPeriod(value)) throw new ValidationFailedError([{ field: metadata.data ?? 'period', message: `must be ${PERIOD_RULE}` }]);
    return value;
  }
}
