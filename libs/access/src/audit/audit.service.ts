import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '@app/http-platform';
import { AuditFilter, AuditRecord, AuditRepository, NewAuditRecord } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(entry: NewAuditRecord): Promise<void> {
    return this.audit.insert(entry);
  }

  async list(filter: AuditFilter, limit: number, cursor?: string): Promise<Page<Record<string, unknown>>> {
    const key = decodeCursor(cursor, ['sequence'] as const);
    const rows = await this.audit.list(filter, limit, key ? key[0] : null);
    return toPage(rows, limit, (row) => [row.id], present);
  }
}

function present(row: AuditRecord): Record<string, unknown> {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor_key_id: row.actorKeyId,
    actor_role: row.actorRole,
    action: row.action,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    request_id: row.requestId,
    status_code: row.statusCode,
    details: row.details,
  };
}
