import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '@app/http-platform';
import { storableCopy } from '@app/untrusted-json';
import { AuditFilter, AuditRecord, AuditRepository, NewAuditRecord } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(entry: NewAuditRecord): Promise<void> {
    return this.audit.insert({ ...entry, details: storableCopy(entry.details ?? null) });
  }

  /**
   * Write-ahead: the row is written before the audited write runs (a failure
   * here stops the request before it changes anything), then completed with
   * the outcome. A write can never happen without its row; a row left at
   * status 0 is a write whose outcome could not be recorded.
   */
  begin(entry: NewAuditRecord): Promise<bigint> {
    return this.audit.begin({ ...entry, details: storableCopy(entry.details ?? null) });
  }

  complete(id: bigint, outcome: { statusCode: number; resourceId: string | null; details: unknown }): Promise<void> {
    return this.audit.complete(id, { ...outcome, details: storableCopy(outcome.details ?? null) });
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
