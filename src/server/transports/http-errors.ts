import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from '../core/config.js';

/**
 * Every error of the HTTP port in the documented shape `{"error":{"code","message"}}`. The
 * message says what the client can act on; never a path, an errno or a stack (those go to the
 * log). A full disk is 507, so clients can tell it from a bug.
 */
export function httpErrorHandler(logger?: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const { status, code, message } = describe(error);
    if (status >= 500) logger?.error({ err: error, method: request.method, url: request.url.split('?')[0] }, 'HTTP request failed');
    // A refused request whose body is still arriving: the connection cannot be reused.
    if (!request.raw.complete) reply.header('connection', 'close');
    return reply.code(status).send({ error: { code, message } });
  };
}

export function httpNotFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no ${request.method} ${path.slice(0, 200)}` } });
}

function describe(error: FastifyError): { status: number; code: string; message: string } {
  const errno = (error as { code?: string }).code;
  if (errno === 'ENOSPC' || errno === 'EDQUOT') return { status: 507, code: 'STORAGE_FULL', message: 'the server has no room to store this now; try again later' };
  const status = error.statusCode ?? 500;
  if (status >= 500) return { status: 500, code: 'INTERNAL', message: 'the server could not complete this request' };
  if (status === 413) return { status, code: 'TOO_LARGE', message: 'the request body is too large' };
  if (status === 415) return { status, code: 'BAD_REQUEST', message: 'unsupported Content-Type' };
  if (error instanceof SyntaxError || errno === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(errno ?? '')) {
    return { status: 400, code: 'BAD_REQUEST', message: 'the body is not valid JSON' };
  }
  if (error.validation) return { status: 400, code: 'BAD_REQUEST', message: error.message };
  if (status === 404) return { status, code: 'NOT_FOUND', message: 'not found' };
  return { status, code: 'BAD_REQUEST', message: STATUS_CODES[status] ?? 'bad request' };
}
