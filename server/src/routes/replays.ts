import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { HistoryFormat, ReplayReport } from '@axiru/compiler';
import { ApiError, notFound } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import type { ReplayRow } from '../repositories/replayStripeTypes.js';
import { ID_PATTERN, errorResponses } from '../schemas/common.js';
import type { ReplayService } from '../services/ReplayService.js';

const MAX_LIMIT = 200;
const FORMATS: readonly string[] = ['payments', 'refunds', 'jsonl'];
/** Raw (non-multipart) upload media types and the format each implies when none is given. */
const RAW_TYPES: Readonly<Record<string, HistoryFormat | null>> = {
  'text/csv': null,
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/octet-stream': null,
};
const FORMAT_DESCRIPTION = 'one of payments, refunds, jsonl (default: found from the file)';
const POLICY_VERSION = { pattern: '^v[1-9][0-9]{0,8}$', description: 'a policy version such as v3 (default: the live one)' };
const FILE_NAME = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001F\\u007F/\\\\]+$', description: 'a file name without slashes' });

const UploadQuery = Type.Object({
  format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: FORMAT_DESCRIPTION })),
  policy_version: Type.Optional(Type.String(POLICY_VERSION)),
  file_name: Type.Optional(FILE_NAME),
}, { additionalProperties: false });

const Totals = Type.Object({ count: Type.Integer(), amount: Type.Record(Type.String(), Type.Integer()) });
const Progress = Type.Object({ rows: Type.Integer({ description: 'refunds read (or fetched from Stripe) so far' }), replayed: Type.Integer() });
const ErrorInfo = Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]);

const replayFields = {
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  origin: Type.Union([Type.Literal('upload'), Type.Literal('stripe_import')]),
  created_at: Type.String(),
  created_by: Type.String(),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  delete_after: Type.String({ description: 'when the uploaded history and per-refund results are deleted' }),
  deleted_at: Type.Union([Type.String(), Type.Null()]),
  policy_version: Type.String(),
  file_name: Type.String(),
  format: Type.Union([Type.String(), Type.Null()]),
  file_bytes: Type.Integer(),
  progress: Progress,
  error: ErrorInfo,
};

const ReplayView = Type.Object({
  ...replayFields,
  report: Type.Union([Type.Unknown({ description: 'the same document as `axiru replay --json`' }), Type.Null()]),
});

const ReplaySummary = Type.Object({
  ...replayFields,
  summary: Type.Union([Type.Object({
    refunds: Type.Integer(),
    bad_row_count: Type.Integer(),
    by_outcome: Type.Record(Type.String(), Totals),
    cfo: Type.Unknown(),
  }), Type.Null()]),
});

const ResultRow = Type.Object({
  n: Type.Integer(), refund_id: Type.String(), created: Type.String(), amount_cents: Type.Integer(), currency: Type.String(),
  charge_id: Type.Union([Type.String(), Type.Null()]), customer_id: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()]), outcome: Type.String(), matched_rule: Type.Union([Type.String(), Type.Null()]),
  approver_role: Type.Union([Type.String(), Type.Null()]),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'a replay id' }) });
const PageQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: `an integer from 1 to ${MAX_LIMIT} (default 50)` })),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'the next_cursor of a previous page' })),
}, { additionalProperties: false });

function limitOf(text: string | undefined): number {
  const limit = text === undefined ? 50 : Number(text);
  if (limit > MAX_LIMIT) throw new ApiError(400, 'invalid_field', `"limit" must be an integer from 1 to ${MAX_LIMIT}; got ${limit}.`, 'limit');
  return limit;
}

function unsupportedUpload(): ApiError {
  return new ApiError(415, 'unsupported_media_type',
    'Send the history as multipart/form-data with a "file" part, or as the body with Content-Type text/csv or application/x-ndjson.');
}

function badCursor(): ApiError {
  return new ApiError(400, 'invalid_field', '"cursor" must be the next_cursor of a previous page.', 'cursor');
}

function fields(row: ReplayRow, replays: ReplayService) {
  const live = row.status === 'running' ? replays.progress(row.id) : null;
  return {
    id: row.id,
    status: row.status,
    origin: row.origin,
    created_at: row.created_at,
    created_by: row.created_by,
    finished_at: row.finished_at,
    delete_after: row.delete_after,
    deleted_at: row.deleted_at,
    policy_version: `v${row.policy_version}`,
    file_name: row.file_name,
    format: row.format,
    file_bytes: row.file_bytes,
    progress: live ?? { rows: row.rows, replayed: row.status === 'done' ? parsedReport(row)?.refunds ?? 0 : 0 },
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
  };
}

function parsedReport(row: ReplayRow): ReplayReport | null {
  return row.report === null ? null : (JSON.parse(row.report) as ReplayReport);
}

export function replayView(row: ReplayRow, replays: ReplayService) {
  return { ...fields(row, replays), report: parsedReport(row) };
}

function summaryView(row: ReplayRow, replays: ReplayService) {
  const report = parsedReport(row);
  return {
    ...fields(row, replays),
    summary: report === null ? null : { refunds: report.refunds, bad_row_count: report.bad_row_count, by_outcome: report.by_outcome, cfo: report.cfo },
  };
}

interface Upload {
  readonly format: HistoryFormat | null;
  readonly policyVersion: string | undefined;
  readonly fileName: string;
  readonly bytes: number;
}

/**
 * Streams a multipart upload's `file` part to disk; `format` and `policy_version` may come
 * before or after it. Any other part is an error naming it.
 */
async function receiveMultipart(request: FastifyRequest, replays: ReplayService, id: string, maxBytes: number): Promise<Upload> {
  const values: Record<string, string> = {};
  let file: { name: string; bytes: number } | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw new ApiError(400, 'unknown_field', `Unknown part "${part.fieldname}": send the history as the "file" part.`, part.fieldname);
        if (file !== null) throw new ApiError(400, 'invalid_field', 'Send one "file" part per replay.', 'file');
        const stream = part.file;
        const bytes = await replays.saveUpload(id, stream as Readable, maxBytes, () => stream.truncated);
        file = { name: part.filename || 'history', bytes };
      } else {
        if (part.fieldname !== 'format' && part.fieldname !== 'policy_version') {
          throw new ApiError(400, 'unknown_field', `Unknown field "${part.fieldname}"; the fields are file, format and policy_version.`, part.fieldname);
        }
        if (typeof part.value !== 'string') throw new ApiError(400, 'invalid_field', `"${part.fieldname}" must be text.`, part.fieldname);
        values[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    await replays.discard(id);
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiError(413, 'body_too_large', `The history file is larger than ${maxBytes} bytes.`, 'file');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_MULTIPART_INVALID_CONTENT_TYPE') {
      throw new ApiError(400, 'invalid_request', 'The multipart body could not be read.');
    }
    // fastify-multipart's own errors carry FST_ codes; busboy's parse errors ("Unexpected end of
    // form", "Malformed part header") carry none. File-system errors (ENOSPC…) keep theirs and
    // reach the error handler, which answers 503 for a full or failing disk.
    if (!(error instanceof ApiError) && (code === undefined || code.startsWith('FST_'))) {
      throw new ApiError(400, 'invalid_request', `The multipart body could not be read: ${(error as Error).message}`);
    }
    throw error;
  }
  if (file === null) throw new ApiError(400, 'missing_field', 'Send the history file as the "file" part of a multipart/form-data body.', 'file');
  const format = values['format'];
  if (format !== undefined && !FORMATS.includes(format)) {
    await replays.discard(id);
    throw new ApiError(400, 'invalid_field', `"format" must be ${FORMAT_DESCRIPTION}; got ${JSON.stringify(format)}.`, 'format');
  }
  return { format: (format as HistoryFormat | undefined) ?? null, policyVersion: values['policy_version'], fileName: file.name.slice(0, 255), bytes: file.bytes };
}

export const replayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, { limits: { fileSize: app.replayMaxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024 } });
  // Raw uploads are streamed, never parsed: the handler pipes the request to a file.
  app.addContentTypeParser(Object.keys(RAW_TYPES), (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (_request, _payload, done) => done(unsupportedUpload()));

  app.post('/api/replays', {
    schema: {
      tags: ['replays'],
      summary: 'Upload refund history (multipart `file`, or a text/csv / application/x-ndjson body) and replay it through a policy',
      querystring: UploadQuery,
      response: { 202: ReplayView, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request, reply) => {
    const { org, actor } = authOf(request);
    const replays = app.replays;
    const id = replays.newId();
    const query = request.query;
    // The policy is checked before the upload is read, so a wrong version costs no upload.
    if (query.policy_version !== undefined) await replays.resolvePolicy(org, query.policy_version, 'policy_version');
    let upload: Upload;
    if (request.isMultipart()) {
      upload = await receiveMultipart(request, replays, id, app.replayMaxBytes);
    } else {
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (typeof (request.body as Readable | undefined)?.pipe !== 'function') throw unsupportedUpload();
      const bytes = await replays.saveUpload(id, request.body as Readable, app.replayMaxBytes);
      upload = { format: (query.format as HistoryFormat | undefined) ?? RAW_TYPES[mediaType] ?? null, policyVersion: undefined, fileName: query.file_name ?? 'history', bytes };
    }
    const format = upload.format ?? (query.format as HistoryFormat | undefined) ?? (upload.fileName.match(/\.(jsonl|ndjson|json)$/i) ? 'jsonl' : null);
    let row: ReplayRow;
    try {
      const policy = await replays.resolvePolicy(org, upload.policyVersion ?? query.policy_version, 'policy_version');
      await replays.precheck(id, format);
      row = await replays.start({ id, org, actor, origin: 'upload', fileName: upload.fileName, format, policy, bytes: upload.bytes });
    } catch (error) {
      await replays.discard(id);
      throw error;
    }
    return reply.code(202).send(replayView(row, replays));
  });

  app.get('/api/replays', {
    schema: {
      tags: ['replays'],
      summary: 'Replays of the organisation, newest first, with their summary numbers',
      querystring: PageQuery,
      response: { 200: Type.Object({ data: Type.Array(ReplaySummary), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const limit = limitOf(request.query.limit);
    let before: { created_ms: number; id: string } | null = null;
    if (request.query.cursor !== undefined) {
      const match = /^(\d{1,16}):(rpl_[0-9a-f]{32})$/.exec(Buffer.from(request.query.cursor, 'base64url').toString('utf8'));
      if (!match) throw badCursor();
      before = { created_ms: Number(match[1]), id: match[2]! };
    }
    const rows = await app.store.replays.list(org.id, before, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((row) => summaryView(row, app.replays)),
      next_cursor: rows.length > limit && last ? Buffer.from(`${last.created_ms}:${last.id}`, 'utf8').toString('base64url') : null,
    };
  });

  app.get('/api/replays/:id', {
    schema: {
      tags: ['replays'],
      summary: 'One replay: status, progress while running, the report when done',
      params: IdParams,
      response: { 200: ReplayView, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const row = await app.store.replays.get(org.id, request.params.id);
    if (!row) throw notFound('replay', 'id');
    return replayView(row, app.replays);
  });

  app.get('/api/replays/:id/results', {
    schema: {
      tags: ['replays'],
      summary: 'What the policy decided for each replayed refund, in replay order (until the retention deletes them)',
      params: IdParams,
      querystring: PageQuery,
      response: { 200: Type.Object({ data: Type.Array(ResultRow), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403, 404, 409, 410) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const row = await app.store.replays.get(org.id, request.params.id);
    if (!row) throw notFound('replay', 'id');
    if (row.deleted_at !== null) throw new ApiError(410, 'deleted', `The per-refund results were deleted at ${row.deleted_at}, 30 days after the upload; the report remains.`);
    if (row.status !== 'done') throw new ApiError(409, 'not_done', `This replay is ${row.status}; results exist once it is done.`);
    const limit = limitOf(request.query.limit);
    let after = 0;
    if (request.query.cursor !== undefined) {
      const match = /^n([0-9]{1,15})$/.exec(Buffer.from(request.query.cursor, 'base64url').toString('utf8'));
      if (!match) throw badCursor();
      after = Number(match[1]);
    }
    const rows = await app.store.replays.results(row.id, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(({ replay_id: _replay, ...result }) => result),
      next_cursor: rows.length > limit && last ? Buffer.from(`n${last.n}`, 'utf8').toString('base64url') : null,
    };
  });
};
