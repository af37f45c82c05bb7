export * from './calls/call-derivation';
export * from './calls/calls-reader';
export * from './calls/call-lines.port';
export * from './sync/sync.service';
export * from './ingestion.module';
export * from './calls/commissionability';
export * from './webhooks/webhook-worker';
