import { ApiProperty } from '@nestjs/swagger';
import { ANY_JSON, PaginationView } from '@app/http-platform';

/** One audited call: who, what, on which resource, and how it ended. */
export class AuditEntryView {
  @ApiProperty() id: string;
  @ApiProperty() at: string;
  @ApiProperty({ type: String, nullable: true }) actor_key_id: string | null;
  @ApiProperty({ type: String, nullable: true }) actor_role: string | null;
  @ApiProperty({ example: 'POST /v1/statements/:id/approve' }) action: string;
  @ApiProperty({ example: 'statement' }) resource_type: string;
  @ApiProperty({ type: String, nullable: true }) resource_id: string | null;
  @ApiProperty() request_id: string;
  @ApiProperty({ description: 'The answer given (0 while the call is in flight)' }) status_code: number;
  @ApiProperty(ANY_JSON) details: unknown;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) data: AuditEntryView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}
