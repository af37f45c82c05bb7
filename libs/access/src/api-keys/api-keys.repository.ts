import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService } from '@app/persistence';
import type { AccessRole } from '../authorization/roles';

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: AccessRole;
  payeeId: string | null;
  prefix: string;
  hash: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(key: Omit<ApiKeyRecord, 'id' | 'createdAt' | 'revokedAt' | 'lastUsedAt'>, db: DatabaseClient = this.database.client): Promise<ApiKeyRecord> {
    return (await db.apiKey.create({ data: key })) as ApiKeyRecord;
  }

  async findActiveByPrefix(prefix: string): Promise<ApiKeyRecord[]> {
    return (await this.database.client.apiKey.findMany({ where: { prefix, revokedAt: null } })) as ApiKeyRecord[];
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    return (await this.database.client.apiKey.findUnique({ where: { hash } })) as ApiKeyRecord | null;
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    return (await this.database.client.apiKey.findUnique({ where: { id } })) as ApiKeyRecord | null;
  }

  async list(limit: number, after: { createdAt: Date; id: string } | null): Promise<ApiKeyRecord[]> {
    return (await this.database.client.apiKey.findMany({
      where: after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    })) as ApiKeyRecord[];
  }

  /** Revokes the active bootstrap keys (created by no one, under `name`) whose hash is not `keep`. */
  async revokeBootstrapKeysExcept(name: string, keep: string, at: Date): Promise<number> {
    const revoked = await this.database.client.apiKey.updateMany({
      where: { name, createdBy: null, revokedAt: null, hash: { not: keep } },
      data: { revokedAt: at },
    });
    return revoked.count;
  }

  async revoke(id: string, at: Date): Promise<ApiKeyRecord | null> {
    const { count } = await this.database.client.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return count === 0 ? this.findById(id) : this.findById(id);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.database.client.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
