export * from './authorization/roles';
export * from './authorization/current-principal.decorator';
export * from './audit/audited.decorator';
export * from './audit/audit.service';
export * from './idempotency/idempotent.decorator';
export * from './api-keys/api-keys.service';
export * from './access.module';
export * from './authorization/auth-failure-limiter';
