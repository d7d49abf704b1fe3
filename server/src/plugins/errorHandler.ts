import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, errorBody, type ErrorBody } from '../errors.js';
import { describeValidationError, type AjvErrorLike } from './describeValidationError.js';
import { outcomeInDoubt, type StorageHealth } from '../services/storageHealth.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

export function sendError(reply: FastifyReply, statusCode: number, body: ErrorBody): FastifyReply {
  // Unavailable is temporary (a full disk freed, a database failing over): say when to retry.
  if (statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  // Pre-serialized, so no route's response schema can reshape or drop error members.
  return reply.code(statusCode).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Maps fastify's own client errors (parsing, limits, media types) to the API's error shape. */
function frameworkError(error: FastifyError, bodyLimit: number): { status: number; body: ErrorBody } | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('body_too_large', `The request body is larger than ${bodyLimit} bytes.`) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'Send the request body as JSON with "Content-Type: application/json".') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: errorBody('invalid_json', 'The request body is not valid JSON.') };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_request', 'The Content-Length header does not match the body.') };
    default:
      break;
  }
  if (error instanceof SyntaxError || error.name === 'SyntaxError') {
    return { status: 400, body: errorBody('invalid_json', `The request body is not valid JSON: ${error.message}`) };
  }
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: errorBody('invalid_request', error.message) };
  }
  return null;
}

/**
 * The one error handler: validation errors become 400s naming the field, ApiErrors are sent as
 * they are, fastify's client errors keep their status, and anything else is logged and answered
 * with a bare 500 (never a stack trace).
 */
export const errorHandler = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) return sendError(reply, error.statusCode, error.toBody());

    if (error.validation) {
      const context = error.validationContext ?? 'body';
      const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context];
      const data = context === 'body' ? request.body
        : context === 'querystring' ? request.query
          : context === 'params' ? request.params
            : request.headers;
      const problem = describeValidationError(error.validation as unknown as AjvErrorLike[], context, schema, data);
      return sendError(reply, 400, errorBody(problem.code, problem.message, problem.field));
    }

    const mapped = frameworkError(error, request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES);
    if (mapped) return sendError(reply, mapped.status, mapped.body);

    // A full, read-only or failing disk under any route: fail closed, and say so in /healthz.
    const storage = (app as FastifyInstance & { storageHealth?: StorageHealth }).storageHealth;
    if (storage?.failed(error)) {
      request.log.error({ err: error }, 'storage unavailable');
      const reason = storage.status?.reason ?? 'unknown';
      return sendError(reply, 503, errorBody('storage_unavailable', outcomeInDoubt(error)
        ? `Storage is unavailable (${reason}): the connection to the database was lost, so this request may have been recorded. `
          + 'Retry with the same Idempotency-Key: it answers the recorded decision if there is one, and decides afresh if not.'
        : `Storage is unavailable (${reason}); nothing was recorded. Retry later.`));
    }

    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, errorBody('internal_error', 'Internal error; nothing was recorded.'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, errorBody('not_found', `There is no ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)} endpoint.`)));
}, { name: 'axiru-error-handler', fastify: '5.x' });
