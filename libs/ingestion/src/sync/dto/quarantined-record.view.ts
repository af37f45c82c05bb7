import { ApiProperty } from '@nestjs/swagger';
import { ANY_JSON, PaginationView } from '@app/http-platform';

/** An upstream record the service could not understand, kept with its reason. */
export class QuarantinedRecordApiView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['call', 'payment', 'team_member'] }) resource: string;
  @ApiProperty({ type: String, nullable: true, description: "The record's id, when it had a usable one" }) upstream_id: string | null;
  @ApiProperty({ example: 'deal_value_not_a_number' }) reason: string;
  @ApiProperty({ type: String, nullable: true }) field: string | null;
  @ApiProperty() message: string;
  @ApiProperty(ANY_JSON) raw: unknown;
  @ApiProperty({ type: String, nullable: true, description: 'The record as escaped text, when it could not be stored as JSON (NUL bytes, lone surrogates)' })
  raw_text: string | null;
  @ApiProperty() first_seen_at: string;
  @ApiProperty() last_seen_at: string;
  @ApiProperty({ type: String, nullable: true }) last_sync_run_id: string | null;
  @ApiProperty() times_seen: number;
}

export class QuarantinePageView {
  @ApiProperty({ type: [QuarantinedRecordApiView] }) data: QuarantinedRecordApiView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}
