import { Injectable } from '@nestjs/common';
import type { CallLinesReader } from '@app/ingestion';
import { presentLine } from './dto/statement.view';
import { StatementsRepository } from './statements.repository';

/** The ingestion port behind GET /v1/calls/:id: the lines that pay (or adjust) a call, with their statements. */
@Injectable()
export class StatementLinesOfCall implements CallLinesReader {
  constructor(private readonly statements: StatementsRepository) {}

  async linesForCall(callId: string): Promise<Record<string, unknown>[]> {
    return (await this.statements.linesForCall(callId)).map(({ line, statement }) => ({
      ...presentLine(line),
      payee_id: line.payeeId,
      statement_id: statement.id,
      statement_period: statement.period,
      statement_sequence: statement.sequence,
      statement_status: statement.status,
    }));
  }
}
