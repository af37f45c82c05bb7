import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService } from '@app/persistence';

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
  durationMs: number | null;
}

export interface PageProgress {
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
    return (await this.database.client.syncRun.findUnique({ where: { activeSlot: ACTIVE_SLOT } })) as SyncRunRecord | null;
  }

  async create(trigger: string, at: Date): Promise<SyncRunRecord> {
    return (await this.database.client.syncRun.create({
      data: { trigger, status: 'running', activeSlot: ACTIVE_SLOT, createdAt: at, startedAt: at },
    })) as SyncRunRecord;
  }

  async markResumed(id: string): Promise<SyncRunRecord> {
    return (await this.database.client.syncRun.update({
      where: { id },
      data: { status: 'running', resumedCount: { increment: 1 } },
    })) as SyncRunRecord;
  }

  /** Records a committed page and moves the checkpoint, in the page's transaction. */
  async recordPage(tx: DatabaseClient, id: string, pageNumber: number, page: PageProgress): Promise<void> {
    await tx.syncRunPage.create({
      data: { syncRunId: id, pageNumber, cursor: page.cursor, nextCursor: page.nextCursor, callIds: page.callIds },
    });
    await tx.syncRun.update({
      where: { id },
      data: {
        checkpointCursor: page.nextCursor,
        pages: { increment: 1 },
        received: { increment: page.received },
        inserted: { increment: page.inserted },
        updated: { increment: page.updated },
        unchanged: { increment: page.unchanged },
        quarantined: { increment: page.quarantined },
        requests: { increment: page.requests },
        retries: { increment: page.retries },
        rateLimitWaitMs: { increment: page.rateLimitWaitMs },
      },
    });
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
    outcome: { status: 'succeeded' | 'failed'; error?: string; missingUpstream?: number; finishedAt: Date },
    tx: DatabaseClient = this.database.client,
  ): Promise<SyncRunRecord> {
    const run = await tx.syncRun.findUniqueOrThrow({ where: { id } });
    return (await tx.syncRun.update({
      where: { id },
      data: {
        status: outcome.status,
        activeSlot: null,
        error: outcome.error ?? null,
        missingUpstream: outcome.missingUpstream ?? run.missingUpstream,
        finishedAt: outcome.finishedAt,
        durationMs: outcome.finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime(),
      },
    })) as SyncRunRecord;
  }

  async find(id: string): Promise<SyncRunRecord | null> {
    return (await this.database.client.syncRun.findUnique({ where: { id } })) as SyncRunRecord | null;
  }

  /** Newest first. */
  async list(limit: number, before: { createdAt: Date; id: string } | null): Promise<SyncRunRecord[]> {
    return (await this.database.client.syncRun.findMany({
      where: before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    })) as SyncRunRecord[];
  }
}
