export { createAuraSandbox } from './aura-sandbox';
export type { AuraSandbox, SandboxDatasetInfo } from './aura-sandbox';
export { CallStore } from './call-store';
export type { CallFilter, CallKey, CallPage } from './call-store';
export { PaymentStore } from './payment-store';
export type { PaymentFilter } from './payment-store';
export { SandboxStoreError, SortedRecordStore, encodeCursor, decodeCursor } from './record-store';
export type { RecordKey, RecordKind, RecordPage } from './record-store';
export type { MalformedKind, MalformedRecordInfo, SandboxProduct } from './call-generator';
export type { GeneratedPayment, PaymentProvider, SandboxPaymentInfo } from './payment-generator';
export type { RefundRequest } from './sandbox-changes';
export { TeamStore } from './team-store';
export type { TeamFilter } from './team-store';
export type { GeneratedTeamMember, TeamRole } from './team-generator';
export { AURA_WEBHOOK_EVENTS, WEBHOOK_RETRY_DELAYS_MS, signWebhookBody } from './webhook-sender';
export type {
  AuraWebhookEvent,
  EmitWebhookOptions,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookSubscription,
} from './webhook-sender';
export { DEFAULT_PAYMENT_MIX, DEFAULT_SANDBOX_API_KEY, DEFAULT_UTM_MIX } from './sandbox-options';
export type {
  DatasetOptions,
  FaultOptions,
  PaymentKind,
  PaymentMix,
  RateLimitOptions,
  RuntimeFaults,
  SandboxOptions,
  UtmMixEntry,
} from './sandbox-options';
export type { SandboxStats } from './sandbox-routes';
