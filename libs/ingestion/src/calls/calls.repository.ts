import { Injectable } from '@nestjs/common';
import { minorUnitDigits } from '@app/commission-engine';
import {
  DatabaseClient,
  DatabaseService,
  decimalColumnToString,
  decimalTextToString,
  insertNewJsonRows,
  JsonColumn,
  JsonRow,
  Prisma,
  updateJsonRows,
} from '@app/persistence';
import { flagMissingUpstream } from '../sync/missing-upstream';
import { holdIngestionWriteLock } from '../sync/write-lock';
import type { DerivedCall } from './call-derivation';
import type { CallJudgement, NotCommissionableReason } from './commissionability';
import { laterOf } from '../payments/payment-derivation';

/** A stored call: derived fields, its verdict with its payment, the raw upstream record, and bookkeeping. */
export interface StoredCall extends Omit<DerivedCall, 'reason'> {
  /** The call's own reason first, then its payment's (commissionability.ts). */
  reason: NotCommissionableReason | null;
  /** r to 6 places; null without a stored payment. */
  refundedShare: string | null;
  /** What the engine reads as the base: base_amount less the refunded share. */
  effectiveBase: string | null;
  /** null: no change since first stored. */
  termsChangedAt: Date | null;
  earningsChangedAt: Date | null;
  missingUpstream: boolean;
  raw: Record<string, unknown>;
  contentHash: string;
  version: number;
  firstSeenAt: Date;
  lastSyncedAt: Date;
  lastChangedAt: Date;
}

export interface CallVersionRecord {
  version: number;
  snapshot: Record<string, unknown>;
  validFrom: Date;
  validTo: Date;
  syncRunId: string | null;
}

export interface CallFilter {
  /** Calls this person closed or set. */
  payeeId?: string;
  period?: string;
  closerId?: string;
  setterId?: string;
  status?: string;
  commissionable?: boolean;
  reason?: string;
  missingUpstream?: boolean;
}

export interface IncomingCall {
  derived: DerivedCall;
  /** The verdict with the call's payment as stored when the page is written. */
  judgement: CallJudgement;
  /** When the linked payment's terms last changed; null without a stored payment or a change. */
  paymentTermsChangedAt: Date | null;
  raw: Record<string, unknown>;
  contentHash: string;
}

/** A stored call's fields that its verdict is made from. */
export interface CallToJudge {
  id: string;
  status: string | null;
  linkedPaymentId: string | null;
  closerId: string | null;
  expectedDealValue: bigint | null;
  commissionAt: Date | null;
  baseAmount: string | null;
  commissionable: boolean;
  reason: string | null;
  refundedShare: string | null;
  effectiveBase: string | null;
  termsChangedAt: Date | null;
  earningsChangedAt: Date | null;
}

export interface JudgementUpdate {
  id: string;
  judgement: CallJudgement;
  earningsChangedAt: Date | null;
}

/** A commissionable call as a run reads it (commissionableInPeriods). */
export interface RunCallRow {
  id: string;
  closerId: string | null;
  setterId: string | null;
  leadId: string | null;
  productId: string | null;
  bookingLinkId: string | null;
  callKind: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
  referral: string | null;
  baseAmount: string | null;
  effectiveBase: string | null;
  /** Without trailing zeros ("0.25"); null without a stored payment. */
  refundedShare: string | null;
  commissionAt: Date | null;
  commissionDay: string | null;
  period: string | null;
  earningsChangedAt: Date | null;
}

export interface PageWriteResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

type CallRow = Prisma.CallGetPayload<object>;

@Injectable()
export class CallsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Inserts new calls, updates changed ones (their previous values go to
   * history) and leaves unchanged ones untouched.
   */
  async writePage(tx: DatabaseClient, calls: IncomingCall[], syncRunId: string | null, at: Date): Promise<PageWriteResult> {
    const byId = new Map(calls.map((call) => [call.derived.id, call])); // a repeated id: the last one wins
    // New calls are inserted, and only what decides update or skip is read of the others, in one statement;
    // a full row (its raw record) only for a call that changed.
    const existing = await insertNewJsonRows<{ id: string; content_hash: string; upstream_updated_at: Date | null }>(
      tx,
      'calls',
      CALL_COLUMNS,
      [...byId.values()].map((call) => insertRow(call, at)),
      ['id', 'content_hash', 'upstream_updated_at'],
    );
    const known = new Map(existing.map((row) => [row.id, row]));
    const changedIds: string[] = [];
    let inserted = 0;
    let unchanged = 0;
    for (const incoming of byId.values()) {
      const previous = known.get(incoming.derived.id);
      if (!previous) inserted += 1;
      else if (previous.content_hash === incoming.contentHash) unchanged += 1;
      // An older version fetched after a newer one was stored (a sync page and a webhook re-fetch crossing) is not written.
      else if (
        incoming.derived.upstreamUpdatedAt !== null &&
        previous.upstream_updated_at !== null &&
        incoming.derived.upstreamUpdatedAt < previous.upstream_updated_at
      )
        unchanged += 1;
      else changedIds.push(previous.id);
    }
    const changed =
      changedIds.length === 0
        ? []
        : (await tx.call.findMany({ where: { id: { in: changedIds } } })).map((previous) => ({ incoming: byId.get(previous.id)!, previous }));
    if (changed.length > 0) {
      await tx.callVersion.createMany({
        data: changed.map(({ previous }) => ({
          callId: previous.id,
          version: previous.version,
          snapshot: snapshotOf(previous) as Prisma.InputJsonValue,
          contentHash: previous.contentHash,
          validFrom: previous.lastChangedAt,
          validTo: at,
          syncRunId,
        })),
      });
      for (const { incoming, previous } of changed) {
        const termsAt = termsDiffer(previous, incoming.derived) ? at : previous.termsChangedAt;
        await tx.call.update({
          where: { id: previous.id },
          data: { ...columns(incoming, termsAt), version: previous.version + 1, lastSyncedAt: at, lastChangedAt: at, missingUpstream: false },
        });
      }
    }
    return { inserted, updated: changed.length, unchanged };
  }

  /** The calls whose linked_payment_id is one of `paymentIds`: to be judged again after their payment changed. */
  async linkedTo(tx: DatabaseClient, paymentIds: string[]): Promise<CallToJudge[]> {
    if (paymentIds.length === 0) return [];
    // Raw SQL with the decimals as text: each payments page and each batch of the final pass asks, and the ORM's
    // row mapping (a Decimal per amount, turned back into text here) cost more than the lookup.
    const rows = await tx.$queryRaw<
      {
        id: string;
        status: string | null;
        linked_payment_id: string | null;
        closer_id: string | null;
        expected_deal_value: string | null;
        commission_at: Date | null;
        base_amount: string | null;
        currency: string;
        commissionable: boolean;
        reason: string | null;
        refunded_share: string | null;
        effective_base_amount: string | null;
        terms_changed_at: Date | null;
        earnings_changed_at: Date | null;
      }[]
    >`
      SELECT id, status, linked_payment_id, closer_id, expected_deal_value::text AS expected_deal_value, commission_at, base_amount::text AS base_amount, currency,
             commissionable, reason, refunded_share::text AS refunded_share, effective_base_amount::text AS effective_base_amount,
             terms_changed_at, earnings_changed_at
        FROM calls WHERE linked_payment_id = ANY(${paymentIds}::text[])`;
    return rows.map((row) => {
      const digits = minorUnitDigits(row.currency);
      return {
        id: row.id,
        status: row.status,
        linkedPaymentId: row.linked_payment_id,
        closerId: row.closer_id,
        expectedDealValue: row.expected_deal_value === null ? null : BigInt(row.expected_deal_value),
        commissionAt: row.commission_at,
        baseAmount: row.base_amount === null ? null : decimalTextToString(row.base_amount, digits),
        commissionable: row.commissionable,
        reason: row.reason,
        refundedShare: row.refunded_share === null ? null : decimalTextToString(row.refunded_share, 0),
        effectiveBase: row.effective_base_amount === null ? null : decimalTextToString(row.effective_base_amount, digits),
        termsChangedAt: row.terms_changed_at,
        earningsChangedAt: row.earnings_changed_at,
      };
    });
  }

  /** Distinct linked payment ids after `after`, in order: the batches judgeAllAgain walks. */
  async linkedPaymentIdsAfter(tx: DatabaseClient, after: string | null, limit: number): Promise<string[]> {
    // SQL DISTINCT with LIMIT through the index: Prisma's `distinct` is applied in memory, after reading every
    // remaining row, which made each batch read the rest of the table (quadratic in the number of calls).
    const rows =
      after === null
        ? await tx.$queryRaw<{ id: string }[]>`
            SELECT DISTINCT linked_payment_id AS id FROM calls WHERE linked_payment_id IS NOT NULL ORDER BY 1 LIMIT ${limit}`
        : await tx.$queryRaw<{ id: string }[]>`
            SELECT DISTINCT linked_payment_id AS id FROM calls WHERE linked_payment_id > ${after} ORDER BY 1 LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  /** Stores new verdicts (only the ones given: callers skip what did not change), all in one statement. */
  async applyJudgements(tx: DatabaseClient, updates: JudgementUpdate[]): Promise<void> {
    await updateJsonRows(
      tx,
      'calls',
      JUDGEMENT_COLUMNS,
      updates.map(({ id, judgement, earningsChangedAt }) => ({
        id,
        commissionable: judgement.commissionable,
        reason: judgement.reason,
        refunded_share: judgement.refundedShareText,
        effective_base_amount: judgement.effectiveBase,
        earnings_changed_at: earningsChangedAt,
      })),
    );
  }

  /** After a complete pass: flags calls upstream no longer returned, and clears the flag on those it did. */
  async markMissingUpstream(tx: DatabaseClient, syncRunId: string): Promise<number> {
    return flagMissingUpstream(tx, 'calls', syncRunId);
  }

  async find(id: string): Promise<StoredCall | null> {
    const row = await this.database.client.call.findUnique({ where: { id } });
    return row ? toStoredCall(row) : null;
  }

  async history(id: string): Promise<CallVersionRecord[]> {
    const rows = await this.database.client.callVersion.findMany({ where: { callId: id }, orderBy: { version: 'desc' } });
    return rows.map((row) => ({
      version: row.version,
      snapshot: row.snapshot as Record<string, unknown>,
      validFrom: row.validFrom,
      validTo: row.validTo,
      syncRunId: row.syncRunId,
    }));
  }

  async list(filter: CallFilter, limit: number, afterId: string | null): Promise<StoredCall[]> {
    const rows = await this.database.client.call.findMany({
      where: {
        period: filter.period,
        closerId: filter.closerId,
        setterId: filter.setterId,
        status: filter.status,
        commissionable: filter.commissionable,
        reason: filter.reason,
        missingUpstream: filter.missingUpstream,
        ...(filter.payeeId !== undefined ? { OR: [{ closerId: filter.payeeId }, { setterId: filter.payeeId }] } : {}),
        ...(afterId !== null ? { id: { gt: afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return rows.map(toStoredCall);
  }

  /**
   * Commissionable calls whose period is one of `periods`, in commission
   * order, with only the columns a run reads: one SQL query, decimals read as
   * text, no raw record and no ORM model per row (a month can hold 100,000).
   */
  async commissionableInPeriods(periods: string[]): Promise<RunCallRow[]> {
    const rows = await this.database.client.$queryRaw<
      (Omit<RunCallRow, 'baseAmount' | 'effectiveBase'> & { baseAmount: string | null; effectiveBase: string | null; currency: string })[]
    >`
      SELECT id, closer_id AS "closerId", setter_id AS "setterId", lead_id AS "leadId", product_id AS "productId", booking_link_id AS "bookingLinkId",
             call_kind AS "callKind", utm_source AS "utmSource", utm_medium AS "utmMedium", utm_campaign AS "utmCampaign", utm_content AS "utmContent",
             utm_term AS "utmTerm", referral, currency, base_amount::text AS "baseAmount", effective_base_amount::text AS "effectiveBase",
             refunded_share::text AS "refundedShare", commission_at AS "commissionAt", commission_day AS "commissionDay", period,
             earnings_changed_at AS "earningsChangedAt"
        FROM calls
       WHERE period IN (SELECT jsonb_array_elements_text(${JSON.stringify(periods)}::jsonb)) AND commissionable
       ORDER BY commission_at, id`;
    return rows.map((row) => {
      const digits = minorUnitDigits(row.currency);
      return {
        ...row,
        baseAmount: row.baseAmount === null ? null : decimalTextToString(row.baseAmount, digits),
        effectiveBase: row.effectiveBase === null ? null : decimalTextToString(row.effectiveBase, digits),
        refundedShare: row.refundedShare === null ? null : decimalTextToString(row.refundedShare, 0),
      };
    });
  }

  /**
   * A point in time, in microseconds since the epoch, that splits call
   * writes cleanly: every write committed before it is visible to reads that
   * start after it, and every later write stamps calls.changed_at after it.
   * Taken while holding the ingestion write lock, so no write is half done.
   */
  async readPoint(): Promise<bigint> {
    return this.database.transaction(async (tx) => {
      await holdIngestionWriteLock(tx);
      const [row] = await tx.$queryRaw<{ micros: string }[]>`SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS micros`;
      return BigInt(row.micros);
    });
  }

  /** Calls whose changed_at is after `micros` (a read point): what changed since a period was computed. */
  async changedSince(micros: bigint): Promise<{ id: string; period: string | null; changedAtMicros: bigint; movedAtMicros: bigint | null }[]> {
    const rows = await this.database.client.$queryRaw<{ id: string; period: string | null; micros: string; moved: string | null }[]>`
      SELECT id, period, (extract(epoch FROM changed_at) * 1000000)::bigint::text AS micros, (extract(epoch FROM moved_at) * 1000000)::bigint::text AS moved
        FROM calls WHERE changed_at > 'epoch'::timestamptz + ${micros.toString()}::bigint * interval '1 microsecond'`;
    return rows.map((row) => ({
      id: row.id,
      period: row.period,
      changedAtMicros: BigInt(row.micros),
      movedAtMicros: row.moved === null ? null : BigInt(row.moved),
    }));
  }

  async findMany(ids: string[]): Promise<StoredCall[]> {
    if (ids.length === 0) return [];
    return (await this.database.client.call.findMany({ where: { id: { in: ids } } })).map(toStoredCall);
  }

  /**
   * True while calls wait for a payments pass that has never completed (just
   * after the upgrade that started reading payments): every linked call is
   * `payment_missing` until then, and a run would claw back what was paid.
   * Any sync that succeeded since passed over the payments: it ends in phase
   * `team` (`payments` before the team pass existed). Syncs from before
   * payments were read never left phase `calls`.
   */
  async awaitingFirstPaymentsPass(): Promise<boolean> {
    const waiting = await this.database.client.call.findFirst({ where: { reason: 'payment_missing' }, select: { id: true } });
    if (!waiting) return false;
    const passed = await this.database.client.syncRun.findFirst({ where: { status: 'succeeded', phase: { not: 'calls' } }, select: { id: true } });
    return passed === null;
  }

  count(): Promise<number> {
    return this.database.client.call.count();
  }
}

function columns(call: IncomingCall, termsChangedAt: Date | null): Omit<Prisma.CallCreateManyInput, 'firstSeenAt' | 'lastSyncedAt' | 'lastChangedAt'> {
  const { derived, judgement } = call;
  const paymentAt = call.paymentTermsChangedAt;
  return {
    ...derived,
    baseAmount: derived.baseAmount,
    commissionable: judgement.commissionable,
    reason: judgement.reason,
    refundedShare: judgement.refundedShareText,
    effectiveBase: judgement.effectiveBase,
    termsChangedAt,
    earningsChangedAt: laterOf(termsChangedAt, paymentAt),
    raw: call.raw as Prisma.InputJsonValue,
    contentHash: call.contentHash,
  };
}

/** A verdict's columns, keyed by the call's id. */
const JUDGEMENT_COLUMNS: readonly JsonColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'commissionable', type: 'boolean' },
  { name: 'reason', type: 'text' },
  { name: 'refunded_share', type: 'numeric' },
  { name: 'effective_base_amount', type: 'numeric' },
  { name: 'earnings_changed_at', type: 'timestamptz' },
];

/** The calls table's columns a new call is inserted with (version and missing_upstream take their defaults). */
const CALL_COLUMNS: readonly JsonColumn[] = [
  ...(
    [
      'id',
      'status',
      'closer_id',
      'setter_id',
      'lead_id',
      'product_id',
      'booking_link_id',
      'linked_payment_id',
      'call_kind',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'utm_content',
      'utm_term',
      'referral',
      'currency',
      'commission_day',
      'period',
      'reason',
      'content_hash',
    ] as const
  ).map((name) => ({ name, type: 'text' as const })),
  { name: 'expected_deal_value', type: 'bigint' },
  { name: 'base_amount', type: 'numeric' },
  { name: 'refunded_share', type: 'numeric' },
  { name: 'effective_base_amount', type: 'numeric' },
  { name: 'commissionable', type: 'boolean' },
  { name: 'raw', type: 'jsonb' },
  ...(['commission_at', 'terms_changed_at', 'earnings_changed_at', 'upstream_updated_at', 'first_seen_at', 'last_synced_at', 'last_changed_at'] as const).map(
    (name) => ({ name, type: 'timestamptz' as const }),
  ),
];

/** A new call as a row of CALL_COLUMNS: first seen, synced and changed now, its terms new now. */
function insertRow(call: IncomingCall, at: Date): JsonRow {
  const { derived, judgement } = call;
  return {
    id: derived.id,
    status: derived.status,
    closer_id: derived.closerId,
    setter_id: derived.setterId,
    lead_id: derived.leadId,
    product_id: derived.productId,
    booking_link_id: derived.bookingLinkId,
    linked_payment_id: derived.linkedPaymentId,
    call_kind: derived.callKind,
    utm_source: derived.utmSource,
    utm_medium: derived.utmMedium,
    utm_campaign: derived.utmCampaign,
    utm_content: derived.utmContent,
    utm_term: derived.utmTerm,
    referral: derived.referral,
    currency: derived.currency,
    commission_day: derived.commissionDay,
    period: derived.period,
    reason: judgement.reason,
    content_hash: call.contentHash,
    expected_deal_value: derived.expectedDealValue,
    base_amount: derived.baseAmount,
    refunded_share: judgement.refundedShareText,
    effective_base_amount: judgement.effectiveBase,
    commissionable: judgement.commissionable,
    raw: call.raw,
    commission_at: derived.commissionAt,
    terms_changed_at: at,
    earnings_changed_at: laterOf(at, call.paymentTermsChangedAt),
    upstream_updated_at: derived.upstreamUpdatedAt,
    first_seen_at: at,
    last_synced_at: at,
    last_changed_at: at,
  };
}

/** Fields whose change can change what a call earns (a new note or transcript cannot). */
const TERMS: readonly (keyof DerivedCall & keyof CallRow)[] = [
  'status',
  'closerId',
  'setterId',
  'leadId',
  'productId',
  'bookingLinkId',
  'linkedPaymentId',
  'callKind',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmContent',
  'utmTerm',
  'referral',
  'expectedDealValue',
  'commissionAt',
];

function termsDiffer(previous: CallRow, next: DerivedCall): boolean {
  return TERMS.some((field) => {
    const before = previous[field];
    const after = next[field];
    if (before instanceof Date || after instanceof Date) return (before as Date | null)?.getTime() !== (after as Date | null)?.getTime();
    return before !== after;
  });
}

/** What a call looked like before a change: its derived fields and raw record. */
function snapshotOf(row: CallRow): Record<string, unknown> {
  const call = toStoredCall(row);
  return {
    status: call.status,
    closer_id: call.closerId,
    setter_id: call.setterId,
    linked_payment_id: call.linkedPaymentId,
    product_id: call.productId,
    expected_deal_value: call.expectedDealValue === null ? null : call.expectedDealValue.toString(),
    base_amount: call.baseAmount,
    commission_date: call.commissionAt?.toISOString() ?? null,
    period: call.period,
    commissionable: call.commissionable,
    reason: call.reason,
    refunded_share: call.refundedShare,
    effective_base_amount: call.effectiveBase,
    raw: call.raw,
  };
}

function toStoredCall(row: CallRow): StoredCall {
  return {
    id: row.id,
    status: row.status,
    closerId: row.closerId,
    setterId: row.setterId,
    leadId: row.leadId,
    productId: row.productId,
    bookingLinkId: row.bookingLinkId,
    linkedPaymentId: row.linkedPaymentId,
    callKind: row.callKind,
    utmSource: row.utmSource,
    utmMedium: row.utmMedium,
    utmCampaign: row.utmCampaign,
    utmContent: row.utmContent,
    utmTerm: row.utmTerm,
    referral: row.referral,
    expectedDealValue: row.expectedDealValue,
    baseAmount: row.baseAmount === null ? null : decimalColumnToString(row.baseAmount, minorUnitDigits(row.currency)),
    currency: row.currency,
    commissionAt: row.commissionAt,
    commissionDay: row.commissionDay,
    period: row.period,
    commissionable: row.commissionable,
    reason: row.reason as StoredCall['reason'],
    refundedShare: row.refundedShare === null ? null : row.refundedShare.toFixed(),
    effectiveBase: row.effectiveBase === null ? null : decimalColumnToString(row.effectiveBase, minorUnitDigits(row.currency)),
    termsChangedAt: row.termsChangedAt,
    earningsChangedAt: row.earningsChangedAt,
    upstreamUpdatedAt: row.upstreamUpdatedAt,
    missingUpstream: row.missingUpstream,
    raw: row.raw as Record<string, unknown>,
    contentHash: row.contentHash,
    version: row.version,
    firstSeenAt: row.firstSeenAt,
    lastSyncedAt: row.lastSyncedAt,
    lastChangedAt: row.lastChangedAt,
  };
}
