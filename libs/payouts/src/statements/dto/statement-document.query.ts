import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class StatementDocumentQuery {
  @ApiPropertyOptional({ enum: ['html', 'pdf'], default: 'html' })
  @IsOptional()
  @IsIn(['html', 'pdf'], { message: 'format must be html or pdf' })
  format: 'html' | 'pdf' = 'html';

  @ApiPropertyOptional({ enum: ['a4', 'letter'], default: 'a4', description: 'Paper size of the PDF (the HTML prints on either)' })
  @IsOptional()
  @IsIn(['a4', 'letter'], { message: 'paper must be a4 or letter' })
  paper: 'a4' | 'letter' = 'a4';
}
