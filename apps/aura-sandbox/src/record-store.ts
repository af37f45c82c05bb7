import { isoSeconds, timestampMs } from './sandbox-time';

/** Position in the (created_at, id) order; what a cursor encodes. */
export interface RecordKey {
  ms: number;
  id: string;
}

export interface RecordPage {
  records: unknown[];
  hasMore: boolean;
  /** Key of the last record returned when there is more. */
  nextKey: RecordKey | null;
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

/** What a store needs to know about the kind of record it keeps. */
export interface RecordKind<TIndex, TFilter> {
  /** `Call`, `Payment`: names the record in errors. */
  noun: string;
  /** The fields the filters read, taken once whenever a record is stored. */
  index(fields: Record<string, unknown>): TIndex;
  matches(index: TIndex, filter: TFilter, nowMs: number): boolean;
}

interface StoredRecord<TIndex> {
  record: unknown;
  key: RecordKey;
  /** The record's own id when it has a usable one. */
  id: string | null;
  index: TIndex;
}

/**
 * Records kept sorted by (created_at, id) so that a page is a binary search
 * to the cursor plus a scan of the following records. A cursor holds a key,
 * not a position, so it stays correct when records are changed, deleted or
 * inserted between pages.
 *
 * Records are stored as given (malformed ones too). One with no usable
 * created_at is ordered at the time it was inserted; one with no usable id gets
 * an internal key and cannot be addressed by id.
 */
export class SortedRecordStore<TIndex, TFilter> {
  private readonly entries: StoredRecord<TIndex>[] = [];
  private readonly byId = new Map<string, StoredRecord<TIndex>>();
  private anonymousCount = 0;

  constructor(
    private readonly kind: RecordKind<TIndex, TFilter>,
    records: readonly unknown[],
    private readonly clock: () => number,
  ) {
    for (const record of records) {
      const entry = this.toEntry(record, null);
      if (entry.id !== null) {
        if (this.byId.has(entry.id)) throw new Error(`sandbox: duplicate ${kind.noun.toLowerCase()} id ${entry.id}`);
        this.byId.set(entry.id, entry);
      }
      this.entries.push(entry);
    }
    this.entries.sort((a, b) => compareKeys(a.key, b.key));
  }

  get size(): number {
    return this.entries.length;
  }

  /** A copy of one record, or undefined. */
  get(id: string): unknown {
    const entry = this.byId.get(id);
    return entry === undefined ? undefined : structuredClone(entry.record);
  }

  /** Copies of every record in list order. */
  all(): unknown[] {
    return this.entries.map((entry) => structuredClone(entry.record));
  }

  /** Ids of every addressable record in list order. */
  ids(): string[] {
    return this.entries.flatMap((entry) => (entry.id === null ? [] : [entry.id]));
  }

  /** One page: records after `after` (exclusive) that match `filter`. */
  list(filter: TFilter, after: RecordKey | null, limit: number): RecordPage {
    const nowMs = this.clock();
    const page: StoredRecord<TIndex>[] = [];
    let hasMore = false;
    for (let index = after === null ? 0 : this.firstIndexAfter(after); index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (!this.kind.matches(entry.index, filter, nowMs)) continue;
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

  /** One record as stored (not a copy: do not mutate), or undefined. */
  peek(id: string): unknown {
    return this.byId.get(id)?.record;
  }

  /**
   * Merge `patch` into a record (null sets a field to null) and bump
   * updated_at unless the patch sets it. Returns the updated copy.
   */
  update(id: string, patch: Record<string, unknown>): Record<string, unknown> {
    const { noun } = this.kind;
    const entry = this.byId.get(id);
    if (entry === undefined) throw new SandboxStoreError(404, 'NOT_FOUND', `${noun} not found`);
    if (!isObject(entry.record)) {
      throw new SandboxStoreError(409, 'CONFLICT', `${noun} record is not an object and cannot be patched`);
    }
    if ('id' in patch && patch['id'] !== id) {
      throw new SandboxStoreError(400, 'VALIDATION_FAILED', 'id cannot be changed');
    }
    const previous = entry.record;
    const next: Record<string, unknown> = { ...previous, ...structuredClone(patch) };
    if (!('updated_at' in patch)) {
      const previousMs = timestampMs(previous['updated_at']);
      const floor = previousMs === null ? 0 : previousMs + 1000;
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

  /** Remove a record; false when there was none. */
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
      if (this.byId.has(entry.id)) {
        throw new SandboxStoreError(409, 'CONFLICT', `${this.kind.noun} ${entry.id} already exists`);
      }
      this.byId.set(entry.id, entry);
    }
    this.entries.splice(this.firstIndexAfter(entry.key), 0, entry);
    return entry.id;
  }

  private toEntry(record: unknown, previousKey: RecordKey | null): StoredRecord<TIndex> {
    const fields = isObject(record) ? record : {};
    const id = typeof fields['id'] === 'string' && fields['id'] !== '' ? fields['id'] : null;
    const keyId = id ?? previousKey?.id ?? `~anonymous-${String(++this.anonymousCount).padStart(8, '0')}`;
    const keyMs = timestampMs(fields['created_at']) ?? previousKey?.ms ?? this.clock();
    return { record, key: { ms: keyMs, id: keyId }, id, index: this.kind.index(fields) };
  }

  /** Index of the first entry whose key is greater than `key`. */
  private firstIndexAfter(key: RecordKey): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(this.entries[mid].key, key) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private indexOf(entry: StoredRecord<TIndex>): number {
    const index = this.firstIndexAfter(entry.key) - 1;
    if (index < 0 || this.entries[index] !== entry) throw new Error('sandbox: store index out of order');
    return index;
  }
}

export function compareKeys(a: RecordKey, b: RecordKey): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Opaque cursor: base64url of the last key of a page. */
export function encodeCursor(key: RecordKey): string {
  return Buffer.from(JSON.stringify([key.ms, key.id]), 'utf8').toString('base64url');
}

/** The key inside a cursor, or null when it is not one of ours. */
export function decodeCursor(cursor: string): RecordKey | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'number' && Number.isFinite(parsed[0]) && typeof parsed[1] === 'string') {
      return { ms: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  return null;
}
