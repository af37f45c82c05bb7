import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/access';
import { DatabaseService } from '@app/persistence';
import { SkipThrottle } from '@nestjs/throttler';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseService) {}

  /** Liveness: the process answers. */
  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers (no API key)' })
  live() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied (503 otherwise; no API key)' })
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
