import { Injectable } from '@nestjs/common';
import { DatabaseService, Prisma } from '@app/persistence';

export interface IdempotencyRecord {
  apiKeyId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  state: 'in_progress' | 'completed';
  statusCode: number | null;
  responseBody: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Claims the key; false when a record for it already exists (from any
   * replica). Records older than the retention (IDEMPOTENCY_TTL_HOURS) are
   * forgotten first: their key may be used again.
   */
  async claim(record: Pick<IdempotencyRecord, 'apiKeyId' | 'key' | 'method' | 'path' | 'requestHash'>, expiredBefore: Date): Promise<boolean> {
    await this.database.client.$executeRaw`
      DELETE FROM idempotency_records WHERE api_key_id = ${record.apiKeyId}::uuid AND key = ${record.key} AND created_at < ${expiredBefore}`;
    const inserted = await this.database.client.$executeRaw`
      INSERT INTO idempotency_records (api_key_id, key, method, path, request_hash, state)
      VALUES (${record.apiKeyId}::uuid, ${record.key}, ${record.method}, ${record.path}, ${record.requestHash}, 'in_progress')
      ON CONFLICT (api_key_id, key) DO NOTHING`;
    return inserted === 1;
  }

  async find(apiKeyId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.database.client.idempotencyRecord.findUnique({ where: { apiKeyId_key: { apiKeyId, key } } });
    return row as IdempotencyRecord | null;
  }

  async complete(apiKeyId: string, key: string, statusCode: number, responseBody: unknown): Promise<void> {
    await this.database.client.idempotencyRecord.update({
      where: { apiKeyId_key: { apiKeyId, key } },
      data: { state: 'completed', statusCode, responseBody: (responseBody ?? null) as Prisma.InputJsonValue },
    });
  }

  /** Forgets every record older than `before`; returns how many. */
  async purge(before: Date): Promise<number> {
    return this.database.client.$executeRaw`DELETE FROM idempotency_records WHERE created_at < ${before}`;
  }

  async release(apiKeyId: string, key: string): Promise<void> {
    await this.database.client.idempotencyRecord.deleteMany({ where: { apiKeyId, key, state: 'in_progress' } });
  }
}
