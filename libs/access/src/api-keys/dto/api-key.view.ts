import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type AccessRole } from '../../authorization/roles';
import { PaginationView } from '@app/http-platform';

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: AccessRole;
  @ApiProperty({ nullable: true, type: String, description: 'The payee a payee key reads for' }) payee_id: string | null;
  @ApiProperty({ description: 'First characters of the secret, to recognise it' }) prefix: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) created_by: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_used_at: string | null;
}

export class ApiKeysPageView {
  @ApiProperty({ type: [ApiKeyView] }) data: ApiKeyView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The secret; shown once, never stored' }) secret: string;
}
