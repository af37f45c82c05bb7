import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, insertNewJsonRows, JsonColumn, JsonRow, Prisma } from '@app/persistence';
import { flagMissingUpstream } from '../sync/missing-upstream';
import type { PageWriteResult } from '../calls/calls.repository';
import type { PaymentTerms } from '../calls/commissionability';
import { DerivedPayment, termsChangedAt } from './payment-derivation';

export interface IncomingPayment {
  derived: DerivedPayment;
  raw: Record<string, unknown>;
  contentHash: string;
}

export interface StoredPayment extends DerivedPayment {
  missingUpstream: boolean;
  unreadableSince: Date | null;
  unreadableReason: string | null;
  termsChangedAt: Date | null;
  raw: Record<string, unknown>;
  contentHash: string;
  version: number;
  firstSeenAt: Date;
  lastSyncedAt: Date;
  lastChangedAt: Date;
}

export interface PaymentVersionRecord {
  version: number;
  snapshot: Record<string, unknown>;
  validFrom: Date;
  validTo: Date;
  syncRunId: string | null;
}

/** A payment's terms as calls read them, with when they last changed. */
export type PaymentTermsAt = PaymentTerms & { termsChangedAt: Date | null };

type PaymentRow = Prisma.PaymentGetPayload<object>;

@Injectable()
export class PaymentsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Inserts new payments, updates changed ones (their previous values go to
   * history), leaves unchanged ones untouched. Returns, besides the counts,
   * the ids whose terms (status, amount, currency, refund) are new or changed:
   * the calls linked to them must be judged again.
   */
  async writePage(tx: DatabaseClient, payments: IncomingPayment[], syncRunId: string | null, at: Date): Promise<PageWriteResult & { termsChanged: string[] }> {
    const byId = new Map(payments.map((payment) => [payment.derived.id, payment])); // a repeated id: the last one wins
    // As for calls: new payments are inserted, and only what decides update or skip is read of the others, in one
    // statement; a full row (its raw record) only for a payment that changed.
    const existing = await insertNewJsonRows<{ id: string; content_hash: string; upstream_updated_at: Date | null; unreadable_since: Date | null }>(
      tx,
      'payments',
      PAYMENT_COLUMNS,
      [...byId.values()].map((payment) => insertRow(payment, termsChangedAt(null, payment.derived, at), at)),
      ['id', 'content_hash', 'upstream_updated_at', 'unreadable_since'],
    );
    const known = new Map(existing.map((row) => [row.id, row]));
    const changedIds: string[] = [];
    const termsChanged: string[] = [];
    let inserted = 0;
    let unchanged = 0;
    for (const incoming of byId.values()) {
      const previous = known.get(incoming.derived.id);
      if (!previous) {
        inserted += 1;
        termsChanged.push(incoming.derived.id);
      } else if (previous.content_hash === incoming.contentHash || isOlder(incoming.derived.upstreamUpdatedAt, previous.upstream_updated_at)) {
        // The same version, or an older one fetched after a newer was stored (a sync page and a webhook re-fetch crossing).
        unchanged += 1;
        if (previous.unreadable_since !== null && previous.content_hash === incoming.contentHash) {
          await tx.payment.update({ where: { id: previous.id }, data: { unreadableSince: null, unreadableReason: null } });
          termsChanged.push(previous.id);
        }
      } else changedIds.push(previous.id);
    }
    const changed: { incoming: IncomingPayment; previous: PaymentRow; termsAt: Date }[] = [];
    for (const previous of changedIds.length === 0 ? [] : await tx.payment.findMany({ where: { id: { in: changedIds } } })) {
      const incoming = byId.get(previous.id)!;
      const termsAt = termsChangedAt(toStoredPayment(previous), incoming.derived, at);
      changed.push({ incoming, previous, termsAt });
      if (termsAt.getTime() !== previous.termsChangedAt?.getTime() || termsDiffer(previous, incoming.derived) || previous.unreadableSince !== null)
        termsChanged.push(previous.id);
    }
    if (changed.length > 0) {
      await tx.paymentVersion.createMany({
        data: changed.map(({ previous }) => ({
          paymentId: previous.id,
          version: previous.version,
          snapshot: snapshotOf(previous) as Prisma.InputJsonValue,
          contentHash: previous.contentHash,
          validFrom: previous.lastChangedAt,
          validTo: at,
          syncRunId,
        })),
      });
      for (const { incoming, previous, termsAt } of changed) {
        await tx.payment.update({
          where: { id: previous.id },
          data: {
            ...columns(incoming),
            termsChangedAt: termsAt,
            version: previous.version + 1,
            lastSyncedAt: at,
            lastChangedAt: at,
            missingUpstream: false,
            unreadableSince: null,
            unreadableReason: null,
          },
        });
      }
    }
    return { inserted, updated: changed.length, unchanged, termsChanged };
  }

  /** The terms of these payments, by id (absent: not stored). */
  async termsOf(tx: DatabaseClient, ids: string[]): Promise<Map<string, PaymentTermsAt>> {
    if (ids.length === 0) return new Map();
    // Raw SQL: every page of calls asks, and the ORM's query building cost more than the lookup.
    const rows = await tx.$queryRaw<
      {
        id: string;
        status: string | null;
        amount: string;
        currency: string;
        refunded_amount: string | null;
        terms_changed_at: Date | null;
        unreadable: boolean;
      }[]
    >`
      SELECT id, status, amount::text AS amount, currency, refunded_amount::text AS refunded_amount, terms_changed_at, unreadable_since IS NOT NULL AS unreadable
        FROM payments WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
    return new Map(
      rows.map((row) => [
        row.id,
        {
          status: row.status,
          amount: BigInt(row.amount),
          currency: row.currency,
          refundedAmount: row.refunded_amount === null ? null : BigInt(row.refunded_amount),
          termsChangedAt: row.terms_changed_at,
          unreadable: row.unreadable,
        },
      ]),
    );
  }

  /**
   * Aura's latest version of these stored payments was quarantined: mark them
   * unreadable (their calls then earn nothing) and return the ids newly marked.
   */
  async markUnreadable(tx: DatabaseClient, marks: { id: string; reason: string }[], at: Date): Promise<string[]> {
    const marked: string[] = [];
    for (const { id, reason } of marks) {
      const updated = await tx.payment.updateMany({
        where: { id, unreadableSince: null },
        data: { unreadableSince: at, unreadableReason: reason, termsChangedAt: at },
      });
      if (updated.count > 0) marked.push(id);
    }
    return marked;
  }

  /** After a complete payments pass: flags payments upstream no longer returned, clears the flag on those it did. */
  async markMissingUpstream(tx: DatabaseClient, syncRunId: string): Promise<number> {
    return flagMissingUpstream(tx, 'payments', syncRunId);
  }

  async find(id: string): Promise<StoredPayment | null> {
    const row = await this.database.client.payment.findUnique({ where: { id } });
    return row ? toStoredPayment(row) : null;
  }

  async history(id: string): Promise<PaymentVersionRecord[]> {
    const rows = await this.database.client.paymentVersion.findMany({ where: { paymentId: id }, orderBy: { version: 'desc' } });
    return rows.map((row) => ({
      version: row.version,
      snapshot: row.snapshot as Record<string, unknown>,
      validFrom: row.validFrom,
      validTo: row.validTo,
      syncRunId: row.syncRunId,
    }));
  }
}

function isOlder(incoming: Date | null, stored: Date | null): boolean {
  return incoming !== null && stored !== null && incoming < stored;
}

function termsDiffer(previous: PaymentRow, next: DerivedPayment): boolean {
  return (
    previous.status !== next.status ||
    previous.amount !== next.amount ||
    previous.currency !== next.currency ||
    (previous.refundedAmount ?? 0n) !== (next.refundedAmount ?? 0n)
  );
}

function columns(payment: IncomingPayment): Omit<Prisma.PaymentCreateManyInput, 'termsChangedAt' | 'firstSeenAt' | 'lastSyncedAt' | 'lastChangedAt'> {
  return { ...payment.derived, raw: payment.raw as Prisma.InputJsonValue, contentHash: payment.contentHash };
}

/** The payments table's columns a new payment is inserted with (the rest take their defaults). */
const PAYMENT_COLUMNS: readonly JsonColumn[] = [
  ...(['id', 'status', 'currency', 'call_id', 'lead_id', 'refund_status', 'content_hash'] as const).map((name) => ({ name, type: 'text' as const })),
  { name: 'amount', type: 'bigint' },
  { name: 'refunded_amount', type: 'bigint' },
  { name: 'raw', type: 'jsonb' },
  ...(['payment_date', 'refunded_at', 'terms_changed_at', 'upstream_updated_at', 'first_seen_at', 'last_synced_at', 'last_changed_at'] as const).map(
    (name) => ({
      name,
      type: 'timestamptz' as const,
    }),
  ),
];

/** A new payment as a row of PAYMENT_COLUMNS. */
function insertRow(payment: IncomingPayment, termsAt: Date, at: Date): JsonRow {
  const { derived } = payment;
  return {
    id: derived.id,
    status: derived.status,
    currency: derived.currency,
    call_id: derived.callId,
    lead_id: derived.leadId,
    refund_status: derived.refundStatus,
    content_hash: payment.contentHash,
    amount: derived.amount,
    refunded_amount: derived.refundedAmount,
    raw: payment.raw,
    payment_date: derived.paymentDate,
    refunded_at: derived.refundedAt,
    terms_changed_at: termsAt,
    upstream_updated_at: derived.upstreamUpdatedAt,
    first_seen_at: at,
    last_synced_at: at,
    last_changed_at: at,
  };
}

/** What a payment looked like before a change. */
function snapshotOf(row: PaymentRow): Record<string, unknown> {
  return {
    status: row.status,
    amount: row.amount.toString(),
    currency: row.currency,
    refunded_amount: row.refundedAmount?.toString() ?? null,
    refunded_at: row.refundedAt?.toISOString() ?? null,
    refund_status: row.refundStatus,
    payment_date: row.paymentDate?.toISOString() ?? null,
    terms_changed_at: row.termsChangedAt?.toISOString() ?? null,
    upstream_updated_at: row.upstreamUpdatedAt?.toISOString() ?? null,
    raw: row.raw,
  };
}

function toStoredPayment(row: PaymentRow): StoredPayment {
  return {
    id: row.id,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    callId: row.callId,
    leadId: row.leadId,
    paymentDate: row.paymentDate,
    refundedAmount: row.refundedAmount,
    refundedAt: row.refundedAt,
    refundStatus: row.refundStatus,
    upstreamUpdatedAt: row.upstreamUpdatedAt,
    missingUpstream: row.missingUpstream,
    unreadableSince: row.unreadableSince,
    unreadableReason: row.unreadableReason,
    termsChangedAt: row.termsChangedAt,
    raw: row.raw as Record<string, unknown>,
    contentHash: row.contentHash,
    version: row.version,
    firstSeenAt: row.firstSeenAt,
    lastSyncedAt: row.lastSyncedAt,
    lastChangedAt: row.lastChangedAt,
  };
}
