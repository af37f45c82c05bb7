import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '@app/http-platform';
import { storableCopy, storableText } from '@app/untrusted-json';
import { AuditFilter, AuditRecord, AuditRepository, NewAuditRecord } from './audit.repository';
import { AuditEntryView } from './dto/audit-entry.view';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(entry: NewAuditRecord): Promise<void> {
    return this.audit.insert(storable(entry));
  }

  /**
   * Write-ahead: the row is written before the audited write runs (a failure
   * here stops the request before it changes anything), then completed with
   * the outcome. A write can never happen without its row; a row left at
   * status 0 is a write whose outcome could not be recorded.
   */
  begin(entry: NewAuditRecord): Promise<bigint> {
    return this.audit.begin(storable(entry));
  }

  complete(id: bigint, outcome: { statusCode: number; resourceId: string | null; details: unknown }): Promise<void> {
    return this.audit.complete(id, {
      ...outcome,
      resourceId: outcome.resourceId === null ? null : bounded(outcome.resourceId),
      details: storableCopy(outcome.details ?? null),
    });
  }

  async list(filter: AuditFilter, limit: number, cursor?: string): Promise<Page<AuditEntryView>> {
    const key = decodeCursor(cursor, ['sequence'] as const);
    const rows = await this.audit.list(filter, limit, key ? key[0] : null);
    return toPage(rows, limit, (row) => [row.id], present);
  }
}

/** Whatever a caller sent (a NUL in a path parameter, a 12 KB id), the audit row can be stored. */
function storable(entry: NewAuditRecord): NewAuditRecord {
  return {
    ...entry,
    action: bounded(entry.action),
    resourceType: bounded(entry.resourceType),
    resourceId: entry.resourceId === null ? null : bounded(entry.resourceId),
    requestId: bounded(entry.requestId),
    details: storableCopy(entry.details ?? null),
  };
}

function bounded(text: string): string {
  return storableText(text).slice(0, 500);
}

function present(row: AuditRecord): AuditEntryView {
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
