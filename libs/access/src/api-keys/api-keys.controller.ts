import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto, UuidParamPipe } from '@app/http-platform';
import { CurrentPrincipal } from '../authorization/current-principal.decorator';
import { type Principal } from '../authorization/roles';
import { Audited } from '../audit/audited.decorator';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeysPageView, ApiKeyView, CreatedApiKeyView } from './dto/api-key.view';

/** Admin only: no @Roles means admin alone. */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiOperation({ summary: 'Create an API key for a role (and a payee, for a payee key); the secret is in this answer only' })
  @Idempotent()
  @Audited('api_key')
  create(@Body() body: CreateApiKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.apiKeys.create(body.name, body.role, principal, body.payee_id ?? null);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeysPageView })
  @ApiOperation({ summary: 'API keys, newest first, without their secrets' })
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list(query.limit, query.cursor);
  }

  @Delete(':id')
  @ApiOkResponse({ type: ApiKeyView })
  @ApiOperation({ summary: 'Revoke an API key; it stops working on the next request' })
  @HttpCode(200)
  @Audited('api_key')
  revoke(@Param('id', UuidParamPipe) id: string) {
    return this.apiKeys.revoke(id);
  }
}
