import { Injectable } from '@nestjs/common';
import { DatabaseClient } from '@app/persistence';
import type { PeriodComputationRecord } from './recompute-plan';

/** What a run records of each period it computed. */
export interface PeriodComputationWrite {
  period: string;
  inputs: string;
  unsettled: boolean;
}

/** period_computations: when each period's calls were last computed, and under which inputs. */
@Injectable()
export class PeriodComputationsRepository {
  /** Every recorded period up to `period`. */
  async upTo(tx: DatabaseClient, period: string): Promise<PeriodComputationRecord[]> {
    const rows = await tx.$queryRaw<{ period: string; micros: string | null; run_period: string | null; inputs: string | null; unsettled: boolean }[]>`
      SELECT period, (extract(epoch FROM computed_at) * 1000000)::bigint::text AS micros, run_period, inputs, unsettled
        FROM period_computations WHERE period <= ${period} ORDER BY period`;
    return rows.map((row) => ({
      period: row.period,
      computedAtMicros: row.micros === null ? null : BigInt(row.micros),
      runPeriod: row.run_period,
      inputs: row.inputs,
      unsettled: row.unsettled,
    }));
  }

  /**
   * Records the periods a run computed, as of its read point, in the run's
   * write transaction, and marks every later period stale; `seen` periods
   * (lines written for them) get a row marked never computed if they have
   * none.
   */
  async record(
    tx: DatabaseClient,
    runId: string,
    runPeriod: string,
    readPointMicros: bigint,
    computed: PeriodComputationWrite[],
    seen: string[],
  ): Promise<void> {
    if (computed.length > 0) {
      await tx.$executeRaw`
        INSERT INTO period_computations (period, computed_at, run_id, run_period, inputs, unsettled)
        SELECT c.period, 'epoch'::timestamptz + ${readPointMicros.toString()}::bigint * interval '1 microsecond', ${runId}::uuid, ${runPeriod}, c.inputs, c.unsettled
          FROM jsonb_to_recordset(${JSON.stringify(computed)}::jsonb) AS c(period text, inputs text, unsettled boolean)
        ON CONFLICT (period) DO UPDATE SET computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id, run_period = EXCLUDED.run_period,
          inputs = EXCLUDED.inputs, unsettled = EXCLUDED.unsettled`;
    }
    // Lines written by this run may settle calls of later periods too: a later period is computed again next time.
    await tx.$executeRaw`UPDATE period_computations SET computed_at = NULL WHERE period > ${runPeriod} AND computed_at IS NOT NULL`;
    if (seen.length > 0) {
      await tx.$executeRaw`
        INSERT INTO period_computations (period) SELECT jsonb_array_elements_text(${JSON.stringify(seen)}::jsonb) ON CONFLICT (period) DO NOTHING`;
    }
  }
}
