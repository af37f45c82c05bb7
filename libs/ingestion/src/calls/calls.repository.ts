import { Injectable } from '@nestjs/common';
import { minorUnitDigits } from '@app/commission-engine';
import { DatabaseClient, DatabaseService, decimalColumnToString, Prisma } from '@app/persistence';
import { flagMissingUpstream } from '../sync/missing-upstream';
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
    const existing = await tx.call.findMany({ where: { id: { in: [...byId.keys()] } } });
    const known = new Map(existing.map((row) => [row.id, row]));
    const inserts: Prisma.CallCreateManyInput[] = [];
    const changed: { incoming: IncomingCall; previous: CallRow }[] = [];
    let unchanged = 0;
    for (const incoming of byId.values()) {
      const previous = known.get(incoming.derived.id);
      if (!previous) inserts.push({ ...columns(incoming, at), firstSeenAt: at, lastSyncedAt: at, lastChangedAt: at });
      else if (previous.contentHash === incoming.contentHash) unchanged += 1;
      // An older version fetched after a newer one was stored (a sync page and a webhook re-fetch crossing) is not written.
      else if (
        incoming.derived.upstreamUpdatedAt !== null &&
        previous.upstreamUpdatedAt !== null &&
        incoming.derived.upstreamUpdatedAt < previous.upstreamUpdatedAt
      )
        unchanged += 1;
      else changed.push({ incoming, previous });
    }
    if (inserts.length > 0) await tx.call.createMany({ data: inserts });
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
    return { inserted: inserts.length, updated: changed.length, unchanged };
  }

  /** The calls whose linked_payment_id is one of `paymentIds`: to be judged again after their payment changed. */
  async linkedTo(tx: DatabaseClient, paymentIds: string[]): Promise<CallToJudge[]> {
    if (paymentIds.length === 0) return [];
    const rows = await tx.call.findMany({
      where: { linkedPaymentId: { in: paymentIds } },
      select: {
        id: true,
        status: true,
        linkedPaymentId: true,
        closerId: true,
        expectedDealValue: true,
        commissionAt: true,
        baseAmount: true,
        currency: true,
        commissionable: true,
        reason: true,
        refundedShare: true,
        effectiveBase: true,
        termsChangedAt: true,
        earningsChangedAt: true,
      },
    });
    return rows.map((row) => {
      const digits = minorUnitDigits(row.currency);
      return {
        ...row,
        baseAmount: row.baseAmount === null ? null : decimalColumnToString(row.baseAmount, digits),
        refundedShare: row.refundedShare === null ? null : row.refundedShare.toFixed(),
        effectiveBase: row.effectiveBase === null ? null : decimalColumnToString(row.effectiveBase, digits),
      };
    });
  }

  /** Distinct linked payment ids after `after`, in order: the batches judgeAllAgain walks. */
  async linkedPaymentIdsAfter(tx: DatabaseClient, after: string | null, limit: number): Promise<string[]> {
    const rows = await tx.call.findMany({
      where: { linkedPaymentId: after === null ? { not: null } : { gt: after } },
      distinct: ['linkedPaymentId'],
      select: { linkedPaymentId: true },
      orderBy: { linkedPaymentId: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.linkedPaymentId!);
  }

  /** Stores new verdicts (only the ones given: callers skip what did not change). */
  async applyJudgements(tx: DatabaseClient, updates: JudgementUpdate[]): Promise<void> {
    for (const { id, judgement, earningsChangedAt } of updates) {
      await tx.call.update({
        where: { id },
        data: {
          commissionable: judgement.commissionable,
          reason: judgement.reason,
          refundedShare: judgement.refundedShareText,
          effectiveBase: judgement.effectiveBase,
          earningsChangedAt,
        },
      });
    }
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

  /** Commissionable calls whose period is one of `periods`, in commission order. */
  async commissionableInPeriods(periods: string[]): Promise<StoredCall[]> {
    const rows = await this.database.client.call.findMany({
      where: { period: { in: periods }, commissionable: true },
      orderBy: [{ commissionAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toStoredCall);
  }

  async findMany(ids: string[]): Promise<StoredCall[]> {
    if (ids.length === 0) return [];
    return (await this.database.client.call.findMany({ where: { id: { in: ids } } })).map(toStoredCall);
  }

  /**
   * True while calls wait for a payments pass that has never completed (just
   * after the upgrade that started reading payments): every linked call is
   * `payment_missing` until then, and a run would claw back what was paid.
   */
  async awaitingFirstPaymentsPass(): Promise<boolean> {
    const waiting = await this.database.client.call.findFirst({ where: { reason: 'payment_missing' }, select: { id: true } });
    if (!waiting) return false;
    const passed = await this.database.client.syncRun.findFirst({ where: { status: 'succeeded', phase: 'payments' }, select: { id: true } });
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
