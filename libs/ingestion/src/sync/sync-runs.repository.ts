import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';
import { storableText } from '@app/untrusted-json';

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

/** One upstream page of a committed write, as sync_run_pages keeps it. */
export interface CommittedPage {
  pageNumber: number;
  cursor: string | null;
  nextCursor: string | null;
  /** Ids the page returned, quarantined ones included. */
  callIds: string[];
}

/** What one transaction committed: one or more consecutive pages of one pass, and their counters together. */
export interface PageProgress {
  resource: SyncPhase;
  pages: CommittedPage[];
  /** The last page is the last of its pass: the checkpoint moves on to the next pass. */
  lastOfPhase: boolean;
  callsJudgedAgain?: number;
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
   * goes back to a full payments pass, then goes on with its calls where
   * that version stopped (callsResumePoint): resumed as it stands, it would
   * skip its payments and flag every payment missing upstream.
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
   * Records committed pages and moves the checkpoint (to the last page's
   * next cursor) and the counters, in the pages' transaction: one statement
   * however many pages (a sync writes thousands).
   */
  async recordPages(tx: DatabaseClient, id: string, progress: PageProgress): Promise<void> {
    const last = progress.pages[progress.pages.length - 1];
    const nextPhase = progress.resource === 'payments' ? 'calls' : 'team';
    const calls = progress.resource === 'calls';
    const pass = {
      received: progress.received,
      inserted: progress.inserted,
      updated: progress.updated,
      unchanged: progress.unchanged,
      quarantined: progress.quarantined,
      ...(progress.resource === 'payments' ? { calls_judged_again: progress.callsJudgedAgain ?? 0 } : {}),
    };
    // The client refuses a cursor holding a NUL or a lone surrogate (it could not be a checkpoint); an id that does was
    // quarantined with its record, and is listed here as jsonb can hold it (U+FFFD), as a text[] parameter would be.
    const pages = progress.pages.map((page) => ({
      page_number: page.pageNumber,
      cursor: page.cursor,
      next_cursor: page.nextCursor,
      call_ids: page.callIds.map(storableText),
    }));
    /** A JSON pass's counters plus these pages' (missing keys count from 0; other keys are kept). */
    const added = (column: 'payments' | 'team') =>
      Prisma.sql`coalesce(${Prisma.raw(column)}, '{}'::jsonb) || (SELECT jsonb_object_agg(key, coalesce((${Prisma.raw(column)}->>key)::int, 0) + value::int)
                   FROM jsonb_each_text(${JSON.stringify(pass)}::jsonb))`;
    await tx.$executeRaw`
      WITH page AS (
        INSERT INTO sync_run_pages (sync_run_id, page_number, resource, cursor, next_cursor, call_ids)
        SELECT ${id}::uuid, (p->>'page_number')::int, ${progress.resource}, p->>'cursor', p->>'next_cursor',
               ARRAY(SELECT jsonb_array_elements_text(p->'call_ids'))
        FROM jsonb_array_elements(${JSON.stringify(pages)}::jsonb) AS p)
      UPDATE sync_runs SET
        checkpoint_cursor = ${progress.lastOfPhase ? null : last.nextCursor},
        pages = pages + ${progress.pages.length},
        requests = requests + ${progress.requests},
        retries = retries + ${progress.retries},
        rate_limit_wait_ms = rate_limit_wait_ms + ${progress.rateLimitWaitMs},
        phase = ${progress.lastOfPhase && progress.resource !== 'team' ? nextPhase : Prisma.raw('phase')},
        received = received + ${calls ? progress.received : 0},
        inserted = inserted + ${calls ? progress.inserted : 0},
        updated = updated + ${calls ? progress.updated : 0},
        unchanged = unchanged + ${calls ? progress.unchanged : 0},
        quarantined = quarantined + ${calls ? progress.quarantined : 0},
        payments = ${progress.resource === 'payments' ? added('payments') : Prisma.raw('payments')},
        team = ${progress.resource === 'team' ? added('team') : Prisma.raw('team')}
      WHERE id = ${id}::uuid`;
  }

  /**
   * Where a run's calls pass goes on: after the last calls page it
   * committed. `complete` when that page was the last of the pass; a null
   * cursor otherwise means from the first page.
   */
  async callsResumePoint(id: string): Promise<{ complete: boolean; cursor: string | null }> {
    const last = await this.database.client.syncRunPage.findFirst({
      where: { syncRunId: id, resource: 'calls' },
      orderBy: { pageNumber: 'desc' },
      select: { nextCursor: true },
    });
    if (!last) return { complete: false, cursor: null };
    return { complete: last.nextCursor === null, cursor: last.nextCursor };
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
