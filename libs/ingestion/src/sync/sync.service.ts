import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuraError, AuraNotFoundError, readAheadBatches } from '@app/aura-client';
import { PayeesRepository } from '@app/payees';
import { auraConfig, type AuraConfig } from '@app/configuration';
import { ConflictError, NotFoundError } from '@app/http-platform';
import { DatabaseClient, DatabaseService, describeFailure, ExclusiveLock } from '@app/persistence';
import { Metrics } from '@app/observability';
import { CallsRepository, PageWriteResult } from '../calls/calls.repository';
import { PaymentsRepository } from '../payments/payments.repository';
import { AuraClientFactory } from './aura-client.factory';
import { QuarantineEntry } from '../quarantine/quarantine.repository';
import { IngestionWriter, ParsedPage } from './ingestion-writer';
import { withoutRepeatedIds } from './page-groups';
import { PageProgress, SyncPhase, SyncRunRecord, SyncRunsRepository } from './sync-runs.repository';
import { SYNC_TRIGGERS } from './sync-runs.repository';

export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

/** How often a running sync looks whether another replica asked to cancel it. */
const CANCEL_POLL_MS = 2_000;

/** A sync stopped by POST /v1/sync/runs/:id/cancel; it fails with this message. */
class SyncCanceledError extends Error {
  constructor(pages: number) {
    super(`Canceled on request after ${pages} committed page(s); the next sync starts over`);
  }
}

const SYNC_LOCK = 'sync';

/** A page of any of Aura's lists, as the client pages them. */
interface UpstreamPage {
  cursor: string | null;
  nextCursor: string | null;
  records: unknown[];
  hasMore: boolean;
  bodyLength: number;
}

type ParsedUpstreamPage = UpstreamPage & { parsed: ParsedPage<unknown> };

const NO_REQUESTS = { requests: 0, retries: 0, rateLimitWaitMs: 0 };

function toUnixSeconds(at: Date | null): number {
  return at === null ? 0 : at.getTime() / 1_000;
}

/**
 * Pages fetched ahead of the write, and the most written in one transaction.
 * Paced by Aura's rate limit, pages arrive slower than they are written and
 * each is written alone as it comes; unpaced (a first sync from a fast Aura),
 * the pages that arrived during a write go in the next one, which saves a
 * transaction, its lock and its statements per page. Ten pages of 100 calls
 * with their raw records are a few megabytes.
 */
const PAGES_AHEAD = 10;
const PAGES_PER_WRITE = 5;
// And no page is fetched ahead once those held reach AURA_MAX_RESPONSE_BYTES in characters (one page of the largest
// the client accepts): however large Aura's pages, a sync holds about four of the largest, two of them being written.

/** A pass that inserted at least this many rows refreshes the table's planner statistics (ANALYZE). */
const STATISTICS_REFRESH_ROWS = 1_000;

/**
 * A sync is a full pass over Aura's payments (refunds do not move a
 * payment's payment_date, so no date window could be trusted to catch
 * them; see docs/domain.md), then over its past calls, then over its team.
 * Each page, or each group of pages that arrived during the previous write,
 * is written in one transaction together with the checkpoint, so a crash
 * resumes after the last committed page. One sync at a time across
 * replicas (ExclusiveLock).
 */
@Injectable()
export class SyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  private readonly cancels = new Map<string, AbortController>();
  private readonly bounds: { maxPages: number; maxMinutes: number; aheadCharacters: number };
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly database: DatabaseService,
    private readonly lock: ExclusiveLock,
    private readonly runs: SyncRunsRepository,
    private readonly calls: CallsRepository,
    private readonly payments: PaymentsRepository,
    private readonly writer: IngestionWriter,
    private readonly payees: PayeesRepository,
    private readonly clients: AuraClientFactory,
    private readonly metrics: Metrics,
    @Inject(auraConfig.KEY) aura: AuraConfig,
  ) {
    this.bounds = { maxPages: aura.syncMaxPages, maxMinutes: aura.syncMaxMinutes, aheadCharacters: aura.maxResponseBytes };
    metrics.gaugeFromDatabase(
      'commissions_last_successful_sync_timestamp_seconds',
      'When the last sync that succeeded finished (Unix seconds; 0 when none has)',
      async () => toUnixSeconds(await this.runs.lastSucceededAt()),
    );
  }

  /** Says once that sync is off without a key; resumes a sync a crash interrupted. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.clients.configured) {
      this.logger.warn('AURA_API_KEY is not set: syncing from Aura is off');
      return;
    }
    const interrupted = await this.runs.findActive();
    if (interrupted) {
      this.logger.log(`Resuming sync ${interrupted.id} from its checkpoint`);
      void this.start('resume').catch((error: unknown) => this.logger.error({ err: error }, 'Could not resume the sync'));
    }
  }

  /** Lets a sync in progress finish its page, then stops; the next start resumes it. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Starts a sync in the background and returns its run at once, or throws
   * ConflictError naming the sync already running.
   */
  async start(trigger: SyncTrigger): Promise<SyncRunRecord> {
    const started = await this.launch(trigger);
    if (!started.run)
      throw new ConflictError(`A sync is already running${started.activeRunId ? ` (${started.activeRunId})` : ''}`, [
        { running_sync_run_id: started.activeRunId },
      ]);
    return started.run;
  }

  /** Runs a sync to the end; null when another replica holds the sync (it is not waited for). */
  async syncAndWait(trigger: SyncTrigger): Promise<SyncRunRecord | null> {
    const started = await this.launch(trigger);
    if (!started.run) return null;
    await started.done;
    return this.runs.find(started.run.id);
  }

  /**
   * The daily sync the schedule owes: a sync to the end when none succeeded
   * in the last `maxAgeMs` (checked under the sync lock, so replicas starting
   * together make one). Null when it was not owed or another replica syncs.
   */
  async syncIfStale(maxAgeMs: number, now: Date): Promise<SyncRunRecord | null> {
    const started = await this.launch('catch_up', async () => {
      const last = await this.runs.lastSucceededAt();
      return last !== null && now.getTime() - last.getTime() < maxAgeMs;
    });
    if (!started.run) return null;
    this.logger.warn(`Catching up: no sync succeeded in the last ${Math.round(maxAgeMs / 3_600_000)} h; sync ${started.run.id} started`);
    await started.done;
    return this.runs.find(started.run.id);
  }

  private async launch(
    trigger: SyncTrigger,
    notOwed?: () => Promise<boolean>,
  ): Promise<{ run: SyncRunRecord; done: Promise<unknown> } | { run: null; activeRunId: string | null }> {
    if (!this.clients.configured) throw new ConflictError('Syncing is off: AURA_API_KEY is not set');
    const { answer, done } = await this.lock.startInBackground<SyncRunRecord | { activeRunId: string | null }>(
      SYNC_LOCK,
      async () => {
        const interrupted = await this.runs.findActive(); // we hold the lock, so its holder died
        if (!interrupted && notOwed && (await notOwed())) return { answer: { activeRunId: null } };
        const run = interrupted ? await this.runs.markResumed(interrupted.id) : await this.runs.create(trigger, new Date());
        return { answer: run, continueWith: () => this.execute(run) };
      },
      async () => ({ activeRunId: (await this.runs.findActive())?.id ?? null }),
      (error) => this.logger.error({ err: error }, 'Sync failed outside its run'),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return 'activeRunId' in answer ? { run: null, activeRunId: answer.activeRunId } : { run: answer, done };
  }

  /**
   * Asks the running sync to stop: at once in this process, within a few
   * seconds on another replica (it polls the flag). 409 when the run is not
   * running.
   */
  async cancel(id: string, by: string): Promise<SyncRunRecord> {
    const requested = await this.runs.requestCancel(id, by, new Date());
    if (!requested) {
      const run = await this.runs.find(id);
      if (!run) throw new NotFoundError('Sync run', id);
      throw new ConflictError(`Sync run ${id} is ${run.status}; only a running sync can be canceled`, [{ status: run.status }]);
    }
    this.cancels.get(id)?.abort();
    return requested;
  }

  private async execute(run: SyncRunRecord): Promise<void> {
    const cancel = new AbortController();
    this.cancels.set(run.id, cancel);
    const poll = setInterval(() => {
      void this.runs.cancelRequested(run.id).then(
        (requested) => requested && cancel.abort(),
        () => undefined,
      );
    }, CANCEL_POLL_MS);
    poll.unref();
    try {
      await this.executeUntilDone(run, cancel.signal);
      await this.report(run.id);
    } finally {
      clearInterval(poll);
      this.cancels.delete(run.id);
    }
  }

  /** A sync that ended (not one stopped to be resumed) counts in the metrics. */
  private async report(id: string): Promise<void> {
    const finished = await this.runs.find(id).catch(() => null);
    if (!finished || (finished.status !== 'succeeded' && finished.status !== 'failed')) return;
    this.metrics.syncFinished({
      outcome: finished.status,
      trigger: finished.trigger,
      seconds: (finished.durationMs ?? 0) / 1_000,
      calls: { written: finished.inserted + finished.updated, quarantined: finished.quarantined },
      payments: { written: finished.payments.inserted + finished.payments.updated, quarantined: finished.payments.quarantined },
    });
  }

  private async executeUntilDone(run: SyncRunRecord, canceled: AbortSignal): Promise<void> {
    const client = this.clients.create(canceled);
    // Counted from when this process took the sync up: a sync resumed after an outage gets its full time.
    const deadline = Date.now() + this.bounds.maxMinutes * 60_000;
    let pageNumber = await this.runs.pagesRecorded(run.id);
    let counted = { requests: 0, retries: 0, rateLimitWaitMs: 0 };
    /** The client's counters since the last committed page. */
    const sinceLastPage = () => {
      const stats = client.stats();
      const now = { requests: stats.requests, retries: stats.retries, rateLimitWaitMs: Math.round(stats.rateLimitWaitMs) };
      const delta = {
        requests: now.requests - counted.requests,
        retries: now.retries - counted.retries,
        rateLimitWaitMs: now.rateLimitWaitMs - counted.rateLimitWaitMs,
      };
      counted = now;
      return delta;
    };
    const stopHere = (page: { hasMore: boolean }) => {
      if (canceled.aborted) throw new SyncCanceledError(pageNumber);
      if (page.hasMore && pageNumber >= this.bounds.maxPages) {
        throw new Error(
          `Aura kept returning pages: stopped after ${pageNumber} pages (SYNC_MAX_PAGES is ${this.bounds.maxPages}); if the data really is this large, raise it`,
        );
      }
      if (page.hasMore && Date.now() > deadline) {
        throw new Error(
          `The sync ran longer than SYNC_MAX_MINUTES (${this.bounds.maxMinutes}) and was stopped after ${pageNumber} pages; the next sync starts over`,
        );
      }
      if (!this.stopping || !page.hasMore) return false;
      this.logger.warn(`Stopping sync ${run.id} after page ${pageNumber}; the next start resumes it`);
      return true;
    };
    try {
      // Payments first, then calls, then the team: each pass is a full pass, and the checkpoint says which pass it
      // belongs to. Payments first so each call is judged with its payment when it is stored: with calls first, every
      // new payment had to judge its calls again. Each pass fetches the next pages while it writes (readAheadBatches).
      /** Writes a pass's pages as they arrive, several to a transaction when several are waiting; true: stop here. */
      const pass = async (resource: SyncPhase, pages: AsyncIterable<UpstreamPage>): Promise<{ inserted: number; stop: boolean }> => {
        let inserted = 0;
        const batches = readAheadBatches(this.parsedAs(resource, pages), {
          ahead: PAGES_AHEAD,
          maxBatch: PAGES_PER_WRITE,
          aheadWeight: { of: (page) => page.bodyLength, max: this.bounds.aheadCharacters },
        });
        for await (const ready of batches) {
          if (canceled.aborted) throw new SyncCanceledError(pageNumber);
          // Never past SYNC_MAX_PAGES: stopHere refuses to go on from the last page written.
          const batch = ready.slice(0, Math.max(1, this.bounds.maxPages - pageNumber));
          // Cancel, shutdown and the deadline are looked at after each transaction; the pages fetched and not written
          // are dropped (the checkpoint is after the last page written).
          for (const group of withoutRepeatedIds(batch)) {
            inserted += await this.writePages(run.id, pageNumber + 1, resource, group, sinceLastPage());
            pageNumber += group.length;
            if (stopHere(group[group.length - 1])) return { inserted, stop: true };
          }
        }
        return { inserted, stop: false };
      };
      if (run.phase === 'payments') {
        const payments = await pass('payments', client.paymentPages({ startCursor: run.checkpointCursor }));
        if (payments.stop) return;
        // The calls pass reads each page's payments by id: planner statistics that still describe an empty table
        // after a bulk load can turn each lookup into a scan.
        if (payments.inserted >= STATISTICS_REFRESH_ROWS) await this.refreshStatistics('payments');
      }
      // The calls pass goes on after the last calls page the run committed: in its calls pass that is its
      // checkpoint, and a run an earlier version began with its calls (markResumed) keeps the calls it wrote.
      const callsFrom = run.phase === 'team' ? { complete: true, cursor: null } : await this.runs.callsResumePoint(run.id);
      if (!callsFrom.complete) {
        const calls = await pass('calls', client.pages({ is_upcoming: 'false', startCursor: callsFrom.cursor }));
        if (calls.stop) return;
        // Judging every call again below, and the payments webhooks, look calls up by linked payment.
        if (calls.inserted >= STATISTICS_REFRESH_ROWS) await this.refreshStatistics('calls');
      }
      // Aura's team is an alpha endpoint: where it does not exist (404), payees keep the names they have.
      let teamComplete = true;
      try {
        const team = await pass('team', client.teamPages({ startCursor: run.phase === 'team' ? run.checkpointCursor : null }));
        if (team.stop) return;
      } catch (error) {
        if (!(error instanceof AuraNotFoundError)) throw error;
        teamComplete = false;
        this.logger.warn(`Sync ${run.id}: Aura has no GET /v1/team (${error.message}); payee names are not refreshed`);
      }
      if (canceled.aborted) throw new SyncCanceledError(pageNumber);
      const judgedAgain = await this.writer.judgeAllAgain((work) => this.database.transaction(work, { timeoutSeconds: 120 }));
      if (judgedAgain > 0) this.logger.warn(`Sync ${run.id}: ${judgedAgain} calls had a stale verdict on their payment; judged again`);
      const finishedAt = new Date();
      const finished = await this.database.transaction(
        async (tx) => {
          const missing = await this.calls.markMissingUpstream(tx, run.id);
          const paymentsMissing = await this.payments.markMissingUpstream(tx, run.id);
          const unlisted = teamComplete ? await this.payees.markUnlisted(tx, await this.runs.idsSeen(tx, run.id, 'team')) : undefined;
          return this.runs.finish(
            run.id,
            { status: 'succeeded', missingUpstream: missing, paymentsMissingUpstream: paymentsMissing, teamUnlisted: unlisted, finishedAt },
            tx,
          );
        },
        { timeoutSeconds: 300 },
      );
      this.logger.log(
        `Sync ${run.id} done: calls ${finished.inserted} new, ${finished.updated} changed, ${finished.unchanged} unchanged, ` +
          `${finished.quarantined} quarantined, ${finished.missingUpstream} missing upstream; payments ${finished.payments.inserted} new, ` +
          `${finished.payments.updated} changed, ${finished.payments.quarantined} quarantined; ${finished.pages} pages`,
      );
    } catch (caught) {
      const error = canceled.aborted && !(caught instanceof SyncCanceledError) ? new SyncCanceledError(pageNumber) : caught;
      await this.runs.addRequestCounters(run.id, sinceLastPage());
      const message = error instanceof AuraError || error instanceof SyncCanceledError ? error.message : describeFailure(error);
      await this.runs.finish(run.id, { status: 'failed', error: message, finishedAt: new Date() });
      this.logger.error({ err: error }, `Sync ${run.id} failed: ${message}`);
    }
  }

  /**
   * Writes consecutive pages of a pass and the checkpoint after the last in
   * one transaction. When the database refuses them, each page is written
   * again on its own, and a page it refuses is written record by record:
   * each record the database refuses is quarantined with the reason, and the
   * sync goes on. A record can never stop every later sync at the same page.
   */
  private async writePages(
    runId: string,
    firstPageNumber: number,
    resource: SyncPhase,
    pages: ParsedUpstreamPage[],
    counters: { requests: number; retries: number; rateLimitWaitMs: number },
  ): Promise<number> {
    const at = new Date();
    const parsed: ParsedPage<unknown> =
      pages.length === 1 ? pages[0].parsed : { good: pages.flatMap((page) => page.parsed.good), bad: pages.flatMap((page) => page.parsed.bad), seenIds: [] };
    const received = pages.reduce((sum, page) => sum + page.records.length, 0);
    const progress = (written: PageWriteResult & { callsJudgedAgain?: number }, quarantined: number): PageProgress => ({
      resource,
      pages: pages.map((page, index) => ({
        pageNumber: firstPageNumber + index,
        cursor: page.cursor,
        // The last page of a pass records none, whatever Aura sent: a calls pass is complete after a page without one.
        nextCursor: page.hasMore ? page.nextCursor : null,
        callIds: page.parsed.seenIds,
      })),
      lastOfPhase: !pages[pages.length - 1].hasMore,
      received,
      quarantined,
      ...written,
      ...counters,
    });
    const write = (tx: DatabaseClient, records: ParsedPage<unknown>) =>
      resource === 'calls'
        ? this.writer.writeCalls(tx, records as ReturnType<IngestionWriter['parseCalls']>, runId, at)
        : resource === 'payments'
          ? this.writer.writePayments(tx, records as ReturnType<IngestionWriter['parsePayments']>, runId, at)
          : this.writer.writeTeam(tx, records as ReturnType<IngestionWriter['parseTeam']>, runId, at);
    try {
      return await this.database.transaction(
        async (tx) => {
          const written = await write(tx, parsed);
          await this.runs.recordPages(tx, runId, progress(written, parsed.bad.length));
          return written.inserted;
        },
        { timeoutSeconds: 120 },
      );
    } catch (error) {
      const which = pages.length === 1 ? `page ${firstPageNumber}` : `pages ${firstPageNumber}–${firstPageNumber + pages.length - 1}`;
      const then = pages.length === 1 ? 'writing it record by record' : 'writing them one by one';
      this.logger.warn(`Sync ${runId}: the database refused ${which} of ${resource} (${describeFailure(error)}); ${then}`);
    }
    if (pages.length > 1) {
      let inserted = 0;
      for (const [index, page] of pages.entries()) {
        inserted += await this.writePages(runId, firstPageNumber + index, resource, [page], index === 0 ? counters : NO_REQUESTS);
      }
      return inserted;
    }
    const total: PageWriteResult & { callsJudgedAgain: number } = { inserted: 0, updated: 0, unchanged: 0, callsJudgedAgain: 0 };
    const refused: QuarantineEntry[] = [];
    const noun = resource === 'calls' ? 'call' : resource === 'payments' ? 'payment' : 'team_member';
    for (const record of parsed.good as { raw: Record<string, unknown>; contentHash: string; derived?: { id: string }; id?: string }[]) {
      const recordId = record.derived?.id ?? record.id ?? '';
      try {
        const written = await this.database.transaction((tx) => write(tx, { good: [record], bad: [], seenIds: [] }), { timeoutSeconds: 30 });
        total.inserted += written.inserted;
        total.updated += written.updated;
        total.unchanged += written.unchanged;
        total.callsJudgedAgain += (written as { callsJudgedAgain?: number }).callsJudgedAgain ?? 0;
      } catch (error) {
        refused.push({
          resource: noun,
          contentHash: record.contentHash,
          upstreamId: recordId,
          reason: 'database_refused',
          field: null,
          message: `${noun} ${recordId}: ${describeFailure(error)}`,
          raw: record.raw,
        });
      }
    }
    await this.database.transaction(
      async (tx) => {
        await this.writer.quarantine(tx, [...parsed.bad, ...refused], runId, at);
        await this.runs.recordPages(tx, runId, progress(total, parsed.bad.length + refused.length));
      },
      { timeoutSeconds: 120 },
    );
    return total.inserted;
  }

  /**
   * Each page parsed (checked, derived, hashed) as soon as it arrives: under
   * readAheadBatches, the next pages are parsed while this one's statements run.
   */
  private async *parsedAs(resource: SyncPhase, pages: AsyncIterable<UpstreamPage>): AsyncGenerator<ParsedUpstreamPage> {
    for await (const page of pages) {
      const parsed =
        resource === 'calls'
          ? this.writer.parseCalls(page.records)
          : resource === 'payments'
            ? this.writer.parsePayments(page.records)
            : this.writer.parseTeam(page.records);
      yield { ...page, parsed };
    }
  }

  /** ANALYZE after a pass inserted many rows; a database that refuses (a role that does not own the table) only loses speed. */
  private async refreshStatistics(table: 'calls' | 'payments'): Promise<void> {
    try {
      await this.database.client.$executeRawUnsafe(`ANALYZE "${table}"`);
    } catch (error) {
      this.logger.warn(`Could not ANALYZE ${table} after a bulk sync (${describeFailure(error)}); lookups may be slow until autovacuum does`);
    }
  }
}
