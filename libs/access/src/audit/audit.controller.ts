import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/http-platform';
import { AuditService } from './audit.service';
import { AuditPageView } from './dto/audit-entry.view';

class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) resource_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) resource_id?: string;
}

/** Admin only. */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPageView })
  @ApiOperation({ summary: 'The audit log, newest first: every mutating call and every refusal, who, what and the outcome' })
  list(@Query() query: AuditQueryDto) {
    return this.audit.list({ resourceType: query.resource_type, resourceId: query.resource_id }, query.limit, query.cursor);
  }
}
