export { createAuraSandbox } from './aura-sandbox';
export type { AuraSandbox, SandboxDatasetInfo } from './aura-sandbox';
export { CallStore, SandboxStoreError, encodeCursor, decodeCursor } from './call-store';
export type { CallFilter, CallKey, CallPage } from './call-store';
export type { MalformedKind, MalformedRecordInfo, SandboxProduct } from './call-generator';
export { DEFAULT_SANDBOX_API_KEY, DEFAULT_UTM_MIX } from './sandbox-options';
export type {
  DatasetOptions,
  FaultOptions,
  RateLimitOptions,
  RuntimeFaults,
  SandboxOptions,
  UtmMixEntry,
} from './sandbox-options';
export type { SandboxStats } from './sandbox-routes';
