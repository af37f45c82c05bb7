import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/access';
import { DatabaseService } from '@app/persistence';
import { SkipThrottle } from '@nestjs/throttler';

const READINESS_SCHEMA = {
  type: 'object' as const,
  properties: {
    status: { type: 'string' as const, enum: ['ready', 'not_ready'] },
    database: { type: 'object' as const, additionalProperties: true, description: 'kind, reachable, and the migrations applied and pending' },
  },
  required: ['status', 'database'],
};

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseService) {}

  /** Liveness: the process answers. */
  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers (no API key)' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } })
  live() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied (503 otherwise; no API key)' })
  @ApiOkResponse({ schema: READINESS_SCHEMA })
  @ApiServiceUnavailableResponse({ schema: READINESS_SCHEMA })
  async ready(@Res({ passthrough: true }) response: Response) {
    try {
      await this.database.ping();
      const migrations = await this.database.migrationStatus();
      const ready = migrations.pending.length === 0;
      response.status(ready ? 200 : 503);
      return {
        status: ready ? 'ready' : 'not_ready',
        database: {
          kind: this.database.kind,
          reachable: true,
          migrations: { applied: migrations.applied.length, pending: migrations.pending, up_to_date: ready },
        },
      };
    } catch {
      response.status(503);
      return { status: 'not_ready', database: { kind: this.database.kind, reachable: false } };
    }
  }
}
