import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

/** What started a sync; `resume` is a sync a restart took up again. */
export const SYNC_TRIGGERS = ['manual', 'schedule', 'run', 'resume', 'catch_up'] as const;

export type SyncRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface SyncRunRecord {
  id: string;
  status: SyncRunStatus;
  trigger: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  checkpointCursor: string | null;
  resumedCount: number;
  pages: number;
  requests: number;
  retries: number;
  rateLimitWaitMs: number;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  missingUpstream: number;
  /** The pass the checkpoint belongs to: payments first, then calls, then the team. */
  phase: SyncPhase;
  payments: PaymentPassCounts;
  team: PaymentPassCounts;
  cancelRequestedAt: Date | null;
  durationMs: number | null;
}

export type SyncPhase = 'calls' | 'payments' | 'team';

export interface PaymentPassCounts {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  /** Stored calls judged again because their payment's terms changed. */
  calls_judged_again: number;
  missing_upstream: number;
}

export interface PageProgress {
  resource: SyncPhase;
  /** The last page of its pass: the checkpoint moves on to the next pass. */
  lastOfPhase: boolean;
  callsJudgedAgain?: number;
  cursor: string | null;
  nextCursor: string | null;
  callIds: string[];
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  requests: number;
  retries: number;
  rateLimitWaitMs: number;
}

const ACTIVE_SLOT = 'sync';

@Injectable()
export class SyncRunsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** The queued or running sync, if any (after a crash: the one to resume). */
  async findActive(): Promise<SyncRunRecord | null> {
    return toRecord(await this.database.client.syncRun.findUnique({ where: { activeSlot: ACTIVE_SLOT } }));
  }

  /** When the last sync that succeeded finished (null: none ever did). */
  async lastSucceededAt(): Promise<Date | null> {
    const row = await this.database.client.syncRun.findFirst({ where: { status: 'succeeded' }, orderBy: { finishedAt: 'desc' }, select: { finishedAt: true } });
    return row?.finishedAt ?? null;
  }

  async create(trigger: string, at: Date): Promise<SyncRunRecord> {
    return toRecord(
      await this.database.client.syncRun.create({
        data: {
          trigger,
          status: 'running',
          activeSlot: ACTIVE_SLOT,
          phase: 'payments',
          createdAt: at,
          startedAt: at,
          payments: { ...EMPTY_PAYMENT_COUNTS },
        },
      }),
    )!;
  }

  /**
   * Takes up an interrupted run. A run an earlier version left in its calls
   * pass (that version synced calls first, so the run has no payments page)
   * goes back to a full payments pass, then its calls from the start:
   * resumed as it stands, it would skip its payments and flag every payment
   * missing upstream. Its calls pages are written again, as unchanged.
   */
  async markResumed(id: string): Promise<SyncRunRecord> {
    return this.database.transaction(async (tx) => {
      const run = await tx.syncRun.findUniqueOrThrow({ where: { id } });
      const paymentsPassed = await tx.syncRunPage.findFirst({ where: { syncRunId: id, resource: 'payments' }, select: { pageNumber: true } });
      const callsFirst = run.phase === 'calls' && paymentsPassed === null;
      return toRecord(
        await tx.syncRun.update({
          where: { id },
          data: { status: 'running', resumedCount: { increment: 1 }, ...(callsFirst ? { phase: 'payments', checkpointCursor: null } : {}) },
        }),
      )!;
    });
  }

  /**
   * Records a committed page and moves the checkpoint and the counters, in
   * the page's transaction: one statement per page (a sync writes thousands).
   */
  async recordPage(tx: DatabaseClient, id: string, pageNumber: number, page: PageProgress): Promise<void> {
    const nextPhase = page.resource === 'payments' ? 'calls' : 'team';
    const calls = page.resource === 'calls';
    const pass = {
      received: page.received,
      inserted: page.inserted,
      updated: page.updated,
      unchanged: page.unchanged,
      quarantined: page.quarantined,
      ...(page.resource === 'payments' ? { calls_judged_again: page.callsJudgedAgain ?? 0 } : {}),
    };
    /** A JSON pass's counters plus this page's (missing keys count from 0; other keys are kept). */
    const added = (column: 'payments' | 'team') =>
      Prisma.sql`coalesce(${Prisma.raw(column)}, '{}'::jsonb) || (SELECT jsonb_object_agg(key, coalesce((${Prisma.raw(column)}->>key)::int, 0) + value::int)
                   FROM jsonb_each_text(${JSON.stringify(pass)}::jsonb))`;
    await tx.$executeRaw`
      WITH page AS (
        INSERT INTO sync_run_pages (sync_run_id, page_number, resource, cursor, next_cursor, call_ids)
        VALUES (${id}::uuid, ${pageNumber}, ${page.resource}, ${page.cursor}, ${page.nextCursor}, ${page.callIds}::text[]))
      UPDATE sync_runs SET
        checkpoint_cursor = ${page.lastOfPhase ? null : page.nextCursor},
        pages = pages + 1,
        requests = requests + ${page.requests},
        retries = retries + ${page.retries},
        rate_limit_wait_ms = rate_limit_wait_ms + ${page.rateLimitWaitMs},
        phase = ${page.lastOfPhase && page.resource !== 'team' ? nextPhase : Prisma.raw('phase')},
        received = received + ${calls ? page.received : 0},
        inserted = inserted + ${calls ? page.inserted : 0},
        updated = updated + ${calls ? page.updated : 0},
        unchanged = unchanged + ${calls ? page.unchanged : 0},
        quarantined = quarantined + ${calls ? page.quarantined : 0},
        payments = ${page.resource === 'payments' ? added('payments') : Prisma.raw('payments')},
        team = ${page.resource === 'team' ? added('team') : Prisma.raw('team')}
      WHERE id = ${id}::uuid`;
  }

  /** Flags a running sync for cancellation; null when it is not running. */
  async requestCancel(id: string, by: string, at: Date): Promise<SyncRunRecord | null> {
    const updated = await this.database.client.syncRun.updateMany({ where: { id, status: 'running' }, data: { cancelRequestedAt: at, cancelRequestedBy: by } });
    return updated.count === 0 ? null : this.find(id);
  }

  async cancelRequested(id: string): Promise<boolean> {
    const run = await this.database.client.syncRun.findUnique({ where: { id }, select: { cancelRequestedAt: true } });
    return run?.cancelRequestedAt != null;
  }

  /** The ids a run's pages of one resource saw (quarantined ones included). */
  async idsSeen(tx: DatabaseClient, id: string, resource: SyncPhase): Promise<string[]> {
    const pages = await tx.syncRunPage.findMany({ where: { syncRunId: id, resource }, select: { callIds: true } });
    return pages.flatMap((page) => page.callIds);
  }

  async pagesRecorded(id: string): Promise<number> {
    return this.database.client.syncRunPage.count({ where: { syncRunId: id } });
  }

  /** Request counters of work that produced no committed page (the failing request, say). */
  async addRequestCounters(id: string, counters: Pick<PageProgress, 'requests' | 'retries' | 'rateLimitWaitMs'>): Promise<void> {
    await this.database.client.syncRun.update({
      where: { id },
      data: { requests: { increment: counters.requests }, retries: { increment: counters.retries }, rateLimitWaitMs: { increment: counters.rateLimitWaitMs } },
    });
  }

  async finish(
    id: string,
    outcome: {
      status: 'succeeded' | 'failed';
      error?: string;
      missingUpstream?: number;
      paymentsMissingUpstream?: number;
      teamUnlisted?: number;
      finishedAt: Date;
    },
    tx: DatabaseClient = this.database.client,
  ): Promise<SyncRunRecord> {
    const run = await tx.syncRun.findUniqueOrThrow({ where: { id } });
    const payments = paymentCounts(run.payments);
    if (outcome.paymentsMissingUpstream !== undefined) payments.missing_upstream = outcome.paymentsMissingUpstream;
    const team = paymentCounts(run.team);
    if (outcome.teamUnlisted !== undefined) team.missing_upstream = outcome.teamUnlisted;
    return toRecord(
      await tx.syncRun.update({
        where: { id },
        data: {
          status: outcome.status,
          activeSlot: null,
          error: outcome.error ?? null,
          missingUpstream: outcome.missingUpstream ?? run.missingUpstream,
          payments: { ...payments },
          team: { ...team },
          finishedAt: outcome.finishedAt,
          durationMs: outcome.finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime(),
        },
      }),
    )!;
  }

  async find(id: string): Promise<SyncRunRecord | null> {
    return toRecord(await this.database.client.syncRun.findUnique({ where: { id } }));
  }

  /** Newest first. */
  async list(limit: number, before: { createdAt: Date; id: string } | null): Promise<SyncRunRecord[]> {
    const rows = await this.database.client.syncRun.findMany({
      where: before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return rows.map((row) => toRecord(row)!);
  }
}

const EMPTY_PAYMENT_COUNTS: PaymentPassCounts = {
  received: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  calls_judged_again: 0,
  missing_upstream: 0,
};

function paymentCounts(value: unknown): PaymentPassCounts {
  const stored = typeof value === 'object' && value !== null ? (value as Partial<PaymentPassCounts>) : {};
  return { ...EMPTY_PAYMENT_COUNTS, ...stored };
}

function toRecord<T extends { phase: string; payments: unknown; team: unknown }>(row: T | null): SyncRunRecord | null {
  if (!row) return null;
  return { ...(row as unknown as SyncRunRecord), phase: row.phase as SyncPhase, payments: paymentCounts(row.payments), team: paymentCounts(row.team) };
}
