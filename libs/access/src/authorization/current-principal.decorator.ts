import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from './roles';

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
