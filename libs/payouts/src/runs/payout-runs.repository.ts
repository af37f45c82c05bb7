import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
/** `catch_up`: the schedule's run of a month it missed (the service was down at the cron second) or a retry of one that failed. */
export type RunTrigger = 'manual' | 'schedule' | 'catch_up';

export interface RunCounts {
  /** Commissionable calls of the period. */
  calls: number;
  /** Lines in the period's draft statements after the run. */
  lines: number;
  commission_lines: number;
  adjustments: number;
  statements: number;
  payees: number;
  /** Which periods the run computed and why, and which it left as they were (absent on runs from before it was recorded). */
  periods?: RunPeriods;
}

export interface RunPeriods {
  computed: { period: string; reason: string }[];
  skipped: string[];
}

/** A (call, role, payee) of the period that should be paid but no plan covers. */
export interface UnplannedCall {
  call_id: string;
  role: string;
  payee_id: string;
}

/** Something finance should read: a clawback not made, a sync skipped … */
export interface RunWarning {
  code: string;
  message: string;
  [detail: string]: unknown;
}

export interface PayoutRunRecord {
  id: string;
  period: string;
  status: RunStatus;
  trigger: RunTrigger;
  syncFirst: boolean;
  /** Asked to compute every candidate period (recompute: all). */
  fullRecompute: boolean;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
  counts: RunCounts | null;
  unplanned: UnplannedCall[] | null;
  warnings: RunWarning[] | null;
}

export interface RunOutcome {
  status: 'succeeded' | 'failed';
  error?: string;
  counts?: RunCounts;
  unplanned?: UnplannedCall[];
  warnings?: RunWarning[];
  finishedAt: Date;
}

type RunRow = Prisma.PayoutRunGetPayload<object>;

@Injectable()
export class PayoutRunsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** The run of the period that is queued or running, if any (after a crash: its orphan). */
  async findActive(period: string): Promise<PayoutRunRecord | null> {
    const row = await this.database.client.payoutRun.findUnique({ where: { activePeriod: period } });
    return row ? toRecord(row) : null;
  }

  /** Every run still marked active, whatever its period. */
  async allActive(): Promise<PayoutRunRecord[]> {
    return (await this.database.client.payoutRun.findMany({ where: { activePeriod: { not: null } }, orderBy: { createdAt: 'asc' } })).map(toRecord);
  }

  /**
   * Marks the period's active run failed. Call it only holding the period's
   * lock: then whoever started that run is gone.
   */
  async failInterrupted(tx: DatabaseClient, period: string, at: Date, message: string): Promise<PayoutRunRecord[]> {
    const orphans = await tx.payoutRun.findMany({ where: { activePeriod: period }, select: { id: true, startedAt: true, createdAt: true } });
    const failed: PayoutRunRecord[] = [];
    for (const orphan of orphans) {
      const row = await tx.payoutRun.update({
        where: { id: orphan.id },
        data: {
          status: 'failed',
          activePeriod: null,
          error: message,
          finishedAt: at,
          durationMs: at.getTime() - (orphan.startedAt ?? orphan.createdAt).getTime(),
        },
      });
      failed.push(toRecord(row));
    }
    return failed;
  }

  async create(run: { period: string; trigger: RunTrigger; syncFirst: boolean; fullRecompute?: boolean; at: Date }): Promise<PayoutRunRecord> {
    const row = await this.database.client.payoutRun.create({
      data: {
        period: run.period,
        activePeriod: run.period,
        status: 'running',
        trigger: run.trigger,
        syncFirst: run.syncFirst,
        fullRecompute: run.fullRecompute ?? false,
        createdAt: run.at,
        startedAt: run.at,
      },
    });
    return toRecord(row);
  }

  /** A scheduled (or caught-up) run of the period created at or after `since`: another replica already answered this tick. */
  async scheduledSince(period: string, since: Date): Promise<PayoutRunRecord | null> {
    const row = await this.database.client.payoutRun.findFirst({
      where: { period, trigger: { in: ['schedule', 'catch_up'] }, createdAt: { gte: since } },
      orderBy: { createdAt: 'asc' },
    });
    return row ? toRecord(row) : null;
  }

  /** Every run of the period created at or after `since`, oldest first (what the schedule did for it). */
  async createdSince(period: string, since: Date): Promise<PayoutRunRecord[]> {
    const rows = await this.database.client.payoutRun.findMany({
      where: { period, createdAt: { gte: since } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toRecord);
  }

  async finish(id: string, outcome: RunOutcome, tx: DatabaseClient = this.database.client): Promise<PayoutRunRecord> {
    const run = await tx.payoutRun.findUniqueOrThrow({ where: { id } });
    const row = await tx.payoutRun.update({
      where: { id },
      data: {
        status: outcome.status,
        activePeriod: null,
        error: outcome.error ?? null,
        counts: outcome.counts ? (outcome.counts as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
        unplanned: (outcome.unplanned ?? []) as unknown as Prisma.InputJsonValue,
        warnings: (outcome.warnings ?? []) as unknown as Prisma.InputJsonValue,
        finishedAt: outcome.finishedAt,
        durationMs: outcome.finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime(),
      },
    });
    return toRecord(row);
  }

  /** When the newest run that succeeded finished, of any period. */
  async lastSucceededAt(): Promise<Date | null> {
    const row = await this.database.client.payoutRun.findFirst({
      where: { status: 'succeeded' },
      orderBy: { finishedAt: 'desc' },
      select: { finishedAt: true },
    });
    return row?.finishedAt ?? null;
  }

  async find(id: string): Promise<PayoutRunRecord | null> {
    const row = await this.database.client.payoutRun.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  async list(filter: { period?: string; status?: string }, limit: number, before: { createdAt: Date; id: string } | null): Promise<PayoutRunRecord[]> {
    const rows = await this.database.client.payoutRun.findMany({
      where: {
        period: filter.period,
        status: filter.status,
        ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }
}

function toRecord(row: RunRow): PayoutRunRecord {
  return {
    id: row.id,
    period: row.period,
    status: row.status as RunStatus,
    trigger: row.trigger as RunTrigger,
    syncFirst: row.syncFirst,
    fullRecompute: row.fullRecompute,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    error: row.error,
    counts: (row.counts as RunCounts | null) ?? null,
    unplanned: (row.unplanned as UnplannedCall[] | null) ?? null,
    warnings: (row.warnings as RunWarning[] | null) ?? null,
  };
}
