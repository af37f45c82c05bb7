import { isoSeconds } from './call-generator';

/** Filters of `GET /v1/calls`, already validated. */
export interface CallFilter {
  status?: string;
  lead_id?: string;
  closer_id?: string;
  setter_id?: string;
  booking_link_id?: string;
  is_upcoming?: boolean;
}

/** Position in the (created_at, id) order; what a cursor encodes. */
export interface CallKey {
  ms: number;
  id: string;
}

export interface CallPage {
  records: unknown[];
  hasMore: boolean;
  /** Key of the last record returned when there is more. */
  nextKey: CallKey | null;
}

export class SandboxStoreError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface StoredCall {
  record: unknown;
  key: CallKey;
  /** The record's own id when it has a usable one. */
  id: string | null;
  status: unknown;
  lead_id: unknown;
  closer_id: unknown;
  setter_id: unknown;
  booking_link_id: unknown;
  scheduledMs: number | null;
}

/**
 * The sandbox's calls, kept sorted by (created_at, id) so that a page is a
 * binary search to the cursor plus a scan of the following records. A cursor
 * holds a key, not a position, so it stays correct when calls are changed,
 * deleted or inserted between pages.
 *
 * Records are stored as given (malformed ones too). One with no usable
 * created_at is ordered at the time it was inserted; one with no usable id gets
 * an internal key and cannot be addressed by id.
 */
export class CallStore {
  private readonly entries: StoredCall[] = [];
  private readonly byId = new Map<string, StoredCall>();
  private anonymousCount = 0;

  constructor(
    records: readonly unknown[],
    private readonly clock: () => number,
  ) {
    for (const record of records) {
      const entry = this.toEntry(record, null);
      if (entry.id !== null) {
        if (this.byId.has(entry.id)) throw new Error(`sandbox: duplicate call id ${entry.id}`);
        this.byId.set(entry.id, entry);
      }
      this.entries.push(entry);
    }
    this.entries.sort((a, b) => compareKeys(a.key, b.key));
  }

  get size(): number {
    return this.entries.length;
  }

  /** A copy of one call, or undefined. */
  get(id: string): unknown {
    const entry = this.byId.get(id);
    return entry === undefined ? undefined : structuredClone(entry.record);
  }

  /** Copies of every record in list order. */
  all(): unknown[] {
    return this.entries.map((entry) => structuredClone(entry.record));
  }

  /** Ids of every addressable call in list order. */
  ids(): string[] {
    return this.entries.flatMap((entry) => (entry.id === null ? [] : [entry.id]));
  }

  /** One page: records after `after` (exclusive) that match `filter`. */
  list(filter: CallFilter, after: CallKey | null, limit: number): CallPage {
    const nowMs = this.clock();
    const page: StoredCall[] = [];
    let hasMore = false;
    for (let index = after === null ? 0 : this.firstIndexAfter(after); index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (!matches(entry, filter, nowMs)) continue;
      if (page.length === limit) {
        hasMore = true;
        break;
      }
      page.push(entry);
    }
    return {
      records: page.map((entry) => entry.record),
      hasMore,
      nextKey: hasMore ? page[page.length - 1].key : null,
    };
  }

  /** One call as stored (not a copy: do not mutate), or undefined. */
  peek(id: string): unknown {
    return this.byId.get(id)?.record;
  }

  /**
   * Merge `patch` into a call (null sets a field to null) and bump updated_at
   * unless the patch sets it. Returns the updated copy.
   */
  update(id: string, patch: Record<string, unknown>): unknown {
    const entry = this.byId.get(id);
    if (entry === undefined) throw new SandboxStoreError(404, 'NOT_FOUND', 'Call not found');
    if (!isObject(entry.record)) {
      throw new SandboxStoreError(409, 'CONFLICT', 'Call record is not an object and cannot be patched');
    }
    if ('id' in patch && patch['id'] !== id) {
      throw new SandboxStoreError(400, 'VALIDATION_FAILED', 'id cannot be changed');
    }
    const previous = entry.record;
    const next: Record<string, unknown> = { ...previous, ...structuredClone(patch) };
    if (!('updated_at' in patch)) {
      const previousMs = typeof previous['updated_at'] === 'string' ? Date.parse(previous['updated_at']) : NaN;
      const floor = Number.isFinite(previousMs) ? previousMs + 1000 : 0;
      next['updated_at'] = isoSeconds(Math.max(this.clock(), floor));
    }
    const index = this.indexOf(entry);
    const updated = this.toEntry(next, entry.key);
    this.byId.set(id, updated);
    if (compareKeys(updated.key, entry.key) === 0) {
      this.entries[index] = updated;
    } else {
      this.entries.splice(index, 1);
      this.entries.splice(this.firstIndexAfter(updated.key), 0, updated);
    }
    return structuredClone(next);
  }

  /** Remove a call; false when there was none. */
  delete(id: string): boolean {
    const entry = this.byId.get(id);
    if (entry === undefined) return false;
    this.entries.splice(this.indexOf(entry), 1);
    this.byId.delete(id);
    return true;
  }

  /** Insert any JSON value as a record, as-is. Returns its id (null when it has none). */
  insert(raw: unknown): string | null {
    const entry = this.toEntry(structuredClone(raw), null);
    if (entry.id !== null) {
      if (this.byId.has(entry.id)) throw new SandboxStoreError(409, 'CONFLICT', `Call ${entry.id} already exists`);
      this.byId.set(entry.id, entry);
    }
    this.entries.splice(this.firstIndexAfter(entry.key), 0, entry);
    return entry.id;
  }

  private toEntry(record: unknown, previousKey: CallKey | null): StoredCall {
    const fields = isObject(record) ? record : {};
    const id = typeof fields['id'] === 'string' && fields['id'] !== '' ? fields['id'] : null;
    const createdMs = typeof fields['created_at'] === 'string' ? Date.parse(fields['created_at']) : NaN;
    const scheduledMs = typeof fields['scheduled_at'] === 'string' ? Date.parse(fields['scheduled_at']) : NaN;
    const keyId = id ?? previousKey?.id ?? `~anonymous-${String(++this.anonymousCount).padStart(8, '0')}`;
    const keyMs = Number.isFinite(createdMs) ? createdMs : (previousKey?.ms ?? this.clock());
    return {
      record,
      key: { ms: keyMs, id: keyId },
      id,
      status: fields['status'] ?? fields['outcome'],
      lead_id: fields['lead_id'],
      closer_id: fields['closer_id'],
      setter_id: fields['setter_id'],
      booking_link_id: fields['booking_link_id'],
      scheduledMs: Number.isFinite(scheduledMs) ? scheduledMs : null,
    };
  }

  /** Index of the first entry whose key is greater than `key`. */
  private firstIndexAfter(key: CallKey): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(this.entries[mid].key, key) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private indexOf(entry: StoredCall): number {
    const index = this.firstIndexAfter(entry.key) - 1;
    if (index < 0 || this.entries[index] !== entry) throw new Error('sandbox: store index out of order');
    return index;
  }
}

function matches(entry: StoredCall, filter: CallFilter, nowMs: number): boolean {
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.lead_id !== undefined && entry.lead_id !== filter.lead_id) return false;
  if (filter.closer_id !== undefined && entry.closer_id !== filter.closer_id) return false;
  if (filter.setter_id !== undefined && entry.setter_id !== filter.setter_id) return false;
  if (filter.booking_link_id !== undefined && entry.booking_link_id !== filter.booking_link_id) return false;
  if (filter.is_upcoming !== undefined) {
    const upcoming = entry.scheduledMs !== null && entry.scheduledMs > nowMs;
    if (upcoming !== filter.is_upcoming) return false;
  }
  return true;
}

export function compareKeys(a: CallKey, b: CallKey): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Opaque cursor: base64url of the last key of a page. */
export function encodeCursor(key: CallKey): string {
  return Buffer.from(JSON.stringify([key.ms, key.id]), 'utf8').toString('base64url');
}

/** The key inside a cursor, or null when it is not one of ours. */
export function decodeCursor(cursor: string): CallKey | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'number' &&
      Number.isFinite(parsed[0]) &&
      typeof parsed[1] === 'string'
    ) {
      return { ms: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  return null;
}
