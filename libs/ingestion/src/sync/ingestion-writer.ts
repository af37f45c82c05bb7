import { Inject, Injectable } from '@nestjs/common';
import { parseAuraCall, parseAuraPayment, parseAuraTeamMember } from '@app/aura-client';
import { IncomingMember, PayeesRepository } from '@app/payees';
import { auraConfig, type AuraConfig, commissionConfig, type CommissionConfig } from '@app/configuration';
import { contentHash } from '@app/content-hash';
import { DatabaseClient } from '@app/persistence';
import { holdIngestionWriteLock } from './write-lock';
import { deriveCall, DerivationSettings, reasonNotCommissionable } from '../calls/call-derivation';
import { CallsRepository, IncomingCall, JudgementUpdate, PageWriteResult } from '../calls/calls.repository';
import { judgeCall } from '../calls/commissionability';
import { derivePayment, laterOf } from '../payments/payment-derivation';
import { IncomingPayment, PaymentsRepository } from '../payments/payments.repository';
import { QuarantineEntry, QuarantineRepository, quarantineHash } from '../quarantine/quarantine.repository';

/** A page of raw upstream records, sorted into what can be stored and what must be quarantined. */
export interface ParsedPage<T> {
  good: T[];
  bad: QuarantineEntry[];
  /** Ids upstream returned, quarantined ones included: none of them is "missing upstream". */
  seenIds: string[];
}

type ParsedCall = Omit<IncomingCall, 'judgement' | 'paymentTermsChangedAt'>;

/** Linked payments judged again per transaction by judgeAllAgain. */
const JUDGE_BATCH = 2_000;

/**
 * The one way records read from Aura are stored, whether a sync pass or a
 * webhook's re-fetch brought them: parse (quarantine what cannot be read),
 * derive, judge each call with its payment, write. A payment whose terms
 * change re-judges every call linked to it in the same transaction, so a
 * call's `commissionable` never disagrees with its stored payment.
 */
@Injectable()
export class IngestionWriter {
  readonly settings: DerivationSettings;

  constructor(
    private readonly calls: CallsRepository,
    private readonly payments: PaymentsRepository,
    private readonly quarantine_: QuarantineRepository,
    private readonly payees: PayeesRepository,
    @Inject(commissionConfig.KEY) commission: CommissionConfig,
    @Inject(auraConfig.KEY) aura: AuraConfig,
  ) {
    this.settings = { ...commission, amountScale: aura.amountScale };
  }

  parseCalls(records: readonly unknown[]): ParsedPage<ParsedCall> {
    const page: ParsedPage<ParsedCall> = { good: [], bad: [], seenIds: [] };
    for (const raw of records) {
      const parsed = parseAuraCall(raw);
      if (parsed.ok) {
        page.good.push({ derived: deriveCall(parsed.call, this.settings), raw: raw as Record<string, unknown>, contentHash: contentHash(raw) });
        page.seenIds.push(parsed.call.id);
      } else {
        if (parsed.id) page.seenIds.push(parsed.id);
        page.bad.push({
          resource: 'call',
          contentHash: quarantineHash(raw),
          upstreamId: parsed.id ?? null,
          reason: parsed.reason,
          field: parsed.field ?? null,
          message: parsed.message,
          raw,
        });
      }
    }
    return page;
  }

  parsePayments(records: readonly unknown[]): ParsedPage<IncomingPayment> {
    const page: ParsedPage<IncomingPayment> = { good: [], bad: [], seenIds: [] };
    for (const raw of records) {
      const parsed = parseAuraPayment(raw);
      if (parsed.ok) {
        page.good.push({ derived: derivePayment(parsed.payment), raw: raw as Record<string, unknown>, contentHash: contentHash(raw) });
        page.seenIds.push(parsed.payment.id);
      } else {
        if (parsed.id) page.seenIds.push(parsed.id);
        page.bad.push({
          resource: 'payment',
          contentHash: quarantineHash(raw),
          upstreamId: parsed.id ?? null,
          reason: parsed.reason,
          field: parsed.field ?? null,
          message: parsed.message,
          raw,
        });
      }
    }
    return page;
  }

  /**
   * Every write of calls or payments holds this until its transaction ends:
   * a call judged with its payment and a payment judging its calls never
   * run side by side (a sync page and a webhook re-fetch, two replicas), so
   * neither can judge by what the other has not committed yet.
   */
  private async serialise(tx: DatabaseClient): Promise<void> {
    await holdIngestionWriteLock(tx);
  }

  parseTeam(records: readonly unknown[]): ParsedPage<IncomingMember> {
    const page: ParsedPage<IncomingMember> = { good: [], bad: [], seenIds: [] };
    for (const raw of records) {
      const parsed = parseAuraTeamMember(raw);
      if (parsed.ok) {
        const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
        page.good.push({
          id: parsed.member.id,
          name: text(parsed.member.name),
          email: text(parsed.member.email),
          role: text(parsed.member.role),
          raw: raw as Record<string, unknown>,
          contentHash: contentHash(raw),
        });
        page.seenIds.push(parsed.member.id);
      } else {
        if (parsed.id) page.seenIds.push(parsed.id);
        page.bad.push({
          resource: 'team_member',
          contentHash: quarantineHash(raw),
          upstreamId: parsed.id ?? null,
          reason: parsed.reason,
          field: parsed.field ?? null,
          message: parsed.message,
          raw,
        });
      }
    }
    return page;
  }

  /** Stores a page of Aura's team in the payee directory. */
  async writeTeam(tx: DatabaseClient, page: ParsedPage<IncomingMember>, syncRunId: string | null, at: Date): Promise<PageWriteResult> {
    const written = await this.payees.writeMembers(tx, page.good, at);
    await this.quarantine_.record(tx, page.bad, syncRunId, at);
    return written;
  }

  /** Quarantines records outside a page write (those the database refused one by one). */
  quarantine(tx: DatabaseClient, entries: QuarantineEntry[], syncRunId: string | null, at: Date): Promise<void> {
    return this.quarantine_.record(tx, entries, syncRunId, at);
  }

  /** Stores a page of calls, each judged with its payment as stored now. */
  async writeCalls(tx: DatabaseClient, page: ParsedPage<ParsedCall>, syncRunId: string | null, at: Date): Promise<PageWriteResult> {
    await this.serialise(tx);
    const paymentIds = [...new Set(page.good.flatMap((call) => (call.derived.linkedPaymentId ? [call.derived.linkedPaymentId] : [])))];
    const terms = await this.payments.termsOf(tx, paymentIds);
    const incoming: IncomingCall[] = page.good.map((call) => {
      const payment = call.derived.linkedPaymentId ? (terms.get(call.derived.linkedPaymentId) ?? null) : null;
      return { ...call, judgement: judgeCall(call.derived, payment, this.settings), paymentTermsChangedAt: payment?.termsChangedAt ?? null };
    });
    const written = await this.calls.writePage(tx, incoming, syncRunId, at);
    await this.quarantine_.record(tx, page.bad, syncRunId, at);
    return written;
  }

  /** Stores a page of payments and judges again the calls of every payment whose terms changed. */
  async writePayments(
    tx: DatabaseClient,
    page: ParsedPage<IncomingPayment>,
    syncRunId: string | null,
    at: Date,
  ): Promise<PageWriteResult & { callsJudgedAgain: number }> {
    await this.serialise(tx);
    const { termsChanged, ...written } = await this.payments.writePage(tx, page.good, syncRunId, at);
    // A stored payment whose latest version cannot be read no longer vouches for its calls.
    const unreadable = await this.payments.markUnreadable(
      tx,
      page.bad.flatMap((entry) => (entry.upstreamId ? [{ id: entry.upstreamId, reason: `${entry.reason}: ${entry.message}` }] : [])),
      at,
    );
    await this.quarantine_.record(tx, page.bad, syncRunId, at);
    return { ...written, callsJudgedAgain: await this.judgeCallsOf(tx, [...termsChanged, ...unreadable]) };
  }

  /**
   * Judges every stored call with a linked payment again and stores the
   * verdicts that changed; the end of each sync runs it, so a verdict made
   * stale by anything (a configuration change, a write that crossed another)
   * lasts no longer than one sync. Returns how many changed.
   */
  async judgeAllAgain(transaction: <T>(work: (tx: DatabaseClient) => Promise<T>) => Promise<T>): Promise<number> {
    let changed = 0;
    let after: string | null = null;
    for (;;) {
      const batch: { ids: string[]; changed: number } = await transaction(async (tx) => {
        await this.serialise(tx);
        const ids = await this.calls.linkedPaymentIdsAfter(tx, after, JUDGE_BATCH);
        return { ids, changed: await this.judgeCallsOf(tx, ids) };
      });
      changed += batch.changed;
      if (batch.ids.length < JUDGE_BATCH) return changed;
      after = batch.ids[batch.ids.length - 1];
    }
  }

  private async judgeCallsOf(tx: DatabaseClient, paymentIds: string[]): Promise<number> {
    const terms = await this.payments.termsOf(tx, paymentIds);
    const updates: JudgementUpdate[] = [];
    for (const call of await this.calls.linkedTo(tx, paymentIds)) {
      const payment = terms.get(call.linkedPaymentId!) ?? null;
      const ownReason = reasonNotCommissionable(call, this.settings);
      const judgement = judgeCall({ reason: ownReason, baseAmount: call.baseAmount }, payment, this.settings);
      const earningsChangedAt = laterOf(call.termsChangedAt, payment?.termsChangedAt ?? null);
      const same =
        call.commissionable === judgement.commissionable &&
        call.reason === judgement.reason &&
        call.refundedShare === judgement.refundedShareText &&
        call.effectiveBase === judgement.effectiveBase &&
        call.earningsChangedAt?.getTime() === earningsChangedAt?.getTime();
      if (!same) updates.push({ id: call.id, judgement, earningsChangedAt });
    }
    await this.calls.applyJudgements(tx, updates);
    return updates.length;
  }
}
