import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { accessConfig, type AccessConfig } from '@app/configuration';
import { decodeCursor, NotFoundError, Page, toPage, ValidationFailedError } from '@app/http-platform';
import { generateApiKeySecret, hashApiKey, prefixOf, sameHash } from './api-key-secret';
import { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';
import type { AccessRole, Principal } from '../authorization/roles';
import type { ApiKeyView, CreatedApiKeyView } from './dto/api-key.view';

const TOUCH_INTERVAL_MS = 60_000;
const BOOTSTRAP_NAME = 'bootstrap admin (ADMIN_API_KEY)';

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(accessConfig.KEY) private readonly config: AccessConfig,
  ) {}

  /** ADMIN_API_KEY bootstraps an admin key; stored hashed like any other. */
  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.adminApiKey;
    if (!secret) return;
    const hash = hashApiKey(secret);
    // A new ADMIN_API_KEY replaces the old one: bootstrap keys other than the current are revoked.
    const revoked = await this.keys.revokeBootstrapKeysExcept(BOOTSTRAP_NAME, hash, new Date());
    if (revoked > 0) this.logger.warn(`ADMIN_API_KEY changed: revoked ${revoked} earlier bootstrap admin key(s)`);
    if (await this.keys.findByHash(hash)) return;
    try {
      await this.keys.insert({ name: BOOTSTRAP_NAME, role: 'admin', payeeId: null, prefix: prefixOf(secret), hash, createdBy: null });
      this.logger.log('Registered the admin key given by ADMIN_API_KEY');
    } catch (error) {
      if (!(await this.keys.findByHash(hash))) throw error; // another replica registered it first otherwise
    }
  }

  /** The principal for a presented secret, or null when unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    const hash = hashApiKey(secret);
    const match = (await this.keys.findActiveByPrefix(prefixOf(secret))).find((key) => sameHash(key.hash, hash));
    if (!match) return null;
    if (match.role === 'payee' && !match.payeeId) {
      this.logger.error(`API key ${match.id} has role payee but no payee_id; refused`);
      return null;
    }
    if (!match.lastUsedAt || Date.now() - match.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      this.keys.touch(match.id, new Date()).catch((error: unknown) => this.logger.warn({ err: error }, 'Could not record key use'));
    }
    return { keyId: match.id, name: match.name, role: match.role, ...(match.payeeId ? { payeeId: match.payeeId } : {}) };
  }

  async create(name: string, role: AccessRole, createdBy: Principal, payeeId: string | null = null): Promise<CreatedApiKeyView> {
    if ((role === 'payee') !== (payeeId !== null)) {
      throw new ValidationFailedError([{ field: 'payee_id', message: 'is required for a payee key (a user_… id), and only for one' }]);
    }
    const secret = generateApiKeySecret();
    const record = await this.keys.insert({ name, role, payeeId, prefix: prefixOf(secret), hash: hashApiKey(secret), createdBy: createdBy.keyId });
    return { ...present(record), secret };
  }

  async list(limit: number, cursor?: string): Promise<Page<ApiKeyView>> {
    const key = decodeCursor(cursor, ['instant', 'uuid'] as const);
    const rows = await this.keys.list(limit, key ? { createdAt: key[0], id: key[1] } : null);
    return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], present);
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const record = await this.keys.revoke(id, new Date());
    if (!record) throw new NotFoundError('API key', id);
    return present(record);
  }
}

function present(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    payee_id: record.payeeId,
    prefix: record.prefix,
    created_at: record.createdAt.toISOString(),
    created_by: record.createdBy,
    revoked_at: record.revokedAt?.toISOString() ?? null,
    last_used_at: record.lastUsedAt?.toISOString() ?? null,
  };
}
