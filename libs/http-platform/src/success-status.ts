import { ExecutionContext, HttpStatus, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';

/** The status Nest will send for a successful handler (set after interceptors run). */
export function successStatusOf(context: ExecutionContext): number {
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined;
  if (declared) return declared;
  const method = context.switchToHttp().getRequest<{ method: string }>().method;
  return method === RequestMethod[RequestMethod.POST] ? HttpStatus.CREATED : HttpStatus.OK;
}
