import { Injectable } from '@nestjs/common';
import { decodeCursor, NotFoundError, Page, toPage } from '@app/http-platform';
import { presentRun, RunView } from './dto/run.view';
import { PayoutRunsRepository } from './payout-runs.repository';

/** Reading runs. */
@Injectable()
export class RunsQueryService {
  constructor(private readonly runs: PayoutRunsRepository) {}

  async list(filter: { period?: string; status?: string }, limit: number, cursor?: string): Promise<Page<RunView>> {
    const key = decodeCursor(cursor, ['instant', 'uuid'] as const);
    const before = key ? { createdAt: key[0], id: key[1] } : null;
    const rows = await this.runs.list(filter, limit, before);
    return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], presentRun);
  }

  async get(id: string): Promise<RunView> {
    const run = await this.runs.find(id);
    if (!run) throw new NotFoundError('Run', id);
    return presentRun(run);
  }
}
