import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PassThrough } from 'node:stream';
import { writeBundle } from '../audit/exportBundle.js';
import { publicKeyInfo } from '../audit/signingKeys.js';
import { recordLeafHash } from '../audit/recordLine.js';
import { NotDecidedError, replayIntent } from '../audit/replayIntent.js';
import { storedConsistencyProof, storedInclusionPath } from '../audit/storedTree.js';
import { ApiError, notFound } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { PolicyCache } from '../services/PolicyCache.js';
import { ID_PATTERN, errorResponses } from '../schemas/common.js';

const MAX_LIMIT = 200;
const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

const CheckpointSchema = Type.Object({
  org: Type.String(),
  tree_size: Type.Integer({ description: 'records covered: the first tree_size records of the chain' }),
  root: Type.String({ description: 'RFC 6962 tree head, hex' }),
  time: Type.String(),
  key_id: Type.String(),
  signature: Type.String({ description: 'base64 Ed25519 signature over "axiru-checkpoint/v1\\n" + canonical JSON of {key_id, org, root, time, tree_size}' }),
});

const PublicKeySchema = Type.Object({
  key_id: Type.String(),
  algorithm: Type.Literal('ed25519'),
  public_key: Type.String({ description: 'SPKI PEM' }),
  created_at: Type.String(),
  retired_at: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
  endorsed_by: Type.Union([Type.String(), Type.Null()]),
  endorsement: Type.Union([Type.String(), Type.Null()]),
});

const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255, pattern: ID_PATTERN, description: 'an intent id' }),
}, { additionalProperties: false });

const sizeText = (what: string) => Type.String({ pattern: '^[1-9][0-9]{0,14}$', description: `${what}: a positive integer` });

const ProofRecordSchema = Type.Object({
  seq: Type.Integer(),
  kind: Type.String(),
  leaf_index: Type.Integer({ description: 'seq - 1' }),
  record_hash: Type.String(),
  leaf_hash: Hex,
  covered: Type.Boolean({ description: 'false for records after the latest checkpoint (no proof yet)' }),
  audit_path: Type.Union([Type.Array(Hex), Type.Null()], { description: 'RFC 6962 PATH, leaf side first' }),
});

export const auditProofRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = app.authenticate(['admin', 'user']);
  // Loaded policies by IR hash: immutable, so a cache of its own is as good as the decision path's.
  const cache = new PolicyCache();

  app.get('/api/audit/checkpoints/latest', {
    schema: { tags: ['audit'], summary: 'The latest signed checkpoint of this organisation', response: { 200: CheckpointSchema, ...errorResponses(401, 403, 404) } },
    preValidation: readers,
  }, async (request) => {
    const latest = await app.store.checkpoints.latest(authOf(request).org.id);
    if (!latest) throw new ApiError(404, 'not_found', 'No checkpoint has been signed yet for this organisation.', null);
    return latest;
  });

  app.get('/api/audit/checkpoints', {
    schema: {
      tags: ['audit'], summary: 'Signed checkpoints, newest first',
      querystring: Type.Object({
        limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: `an integer from 1 to ${MAX_LIMIT} (default 50)` })),
        cursor: Type.Optional(sizeText('the next_cursor of a previous page')),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(CheckpointSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
    },
    preValidation: readers,
  }, async (request) => {
    const limit = Number(request.query.limit ?? 50);
    if (limit > MAX_LIMIT) throw new ApiError(400, 'invalid_field', `limit must be an integer from 1 to ${MAX_LIMIT}.`, 'limit');
    const page = await app.store.checkpoints.list(authOf(request).org.id,
      request.query.cursor === undefined ? {} : { beforeSize: Number(request.query.cursor) }, limit + 1);
    const data = page.slice(0, limit);
    return { data, next_cursor: page.length > limit ? String(data[data.length - 1]!.tree_size) : null };
  });

  app.get('/api/audit/public-keys', {
    schema: { tags: ['audit'], summary: 'Every key that signed or signs checkpoints, oldest first', response: { 200: Type.Object({ data: Type.Array(PublicKeySchema) }), ...errorResponses(401, 403) } },
    preValidation: readers,
  }, async () => {
    const rows = await app.store.signingKeys.list();
    return { data: rows.map((row) => ({ ...publicKeyInfo(row), retired_at: row.retired_at, current: row.retired_at === null })) };
  });

  app.get('/api/audit/export', {
    schema: {
      tags: ['audit'],
      summary: "The organisation's audit bundle as JSON Lines: records, checkpoints and public keys",
      description: 'The same bundle as `axiru audit export`, ending at a checkpoint at the chain head (signed now when '
        + 'records were added since the last one); `axiru audit verify-export` checks it offline.',
      response: { 200: Type.String({ description: 'JSON Lines (application/x-ndjson), streamed' }), ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request, reply) => {
    const { org } = authOf(request);
    const now = app.clock();
    const bundle = new PassThrough();
    writeBundle(app.store, org.id, bundle, now).then(() => bundle.end(), (error: unknown) => {
      // Headers are gone by now; a cut-off bundle fails verification (its header gives the count).
      request.log.error({ err: error }, 'the audit bundle could not be written');
      bundle.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    return reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="axiru-audit-${org.id}-${now.toISOString().slice(0, 10)}.jsonl"`)
      // A stream is sent as it is, never serialized; the schema above only documents the body.
      .send(bundle as unknown as string);
  });

  app.get('/api/intents/:id/proof', {
    schema: {
      tags: ['audit'], summary: 'Inclusion proof of each record of an intent in the latest checkpoint',
      params: IdParams,
      response: { 200: Type.Object({ intent_id: Type.String(), checkpoint: Type.Union([CheckpointSchema, Type.Null()]), records: Type.Array(ProofRecordSchema) }), ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const intent = await app.intent(org.id, request.params.id);
    if (!intent) throw notFound('intent', 'id');
    const checkpoint = await app.store.checkpoints.latest(org.id);
    const size = checkpoint?.tree_size ?? 0;
    const records = [];
    for (const record of await app.store.ledger.byIntent(org.id, intent.id)) {
      const covered = record.seq <= size;
      const path = covered ? await storedInclusionPath(app.store.merkle, org.id, record.seq - 1, size) : null;
      records.push({
        seq: record.seq, kind: record.kind, leaf_index: record.seq - 1, record_hash: record.hash,
        leaf_hash: recordLeafHash(record).toString('hex'), covered, audit_path: path ? path.map((hash) => hash.toString('hex')) : null,
      });
    }
    return { intent_id: intent.id, checkpoint, records };
  });

  app.get('/api/audit/consistency', {
    schema: {
      tags: ['audit'], summary: 'Consistency proof between two checkpoints (by tree size)',
      querystring: Type.Object({ from: sizeText('from'), to: sizeText('to') }, { additionalProperties: false }),
      response: {
        200: Type.Object({ from: CheckpointSchema, to: CheckpointSchema, proof: Type.Array(Hex, { description: 'RFC 6962 PROOF(from, D[to])' }) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const from = Number(request.query.from);
    const to = Number(request.query.to);
    if (from > to) throw new ApiError(400, 'invalid_field', 'from must not be larger than to.', 'from');
    const first = await app.store.checkpoints.get(org.id, from);
    if (!first) throw new ApiError(404, 'not_found', `No checkpoint has tree size ${from}.`, 'from');
    const second = await app.store.checkpoints.get(org.id, to);
    if (!second) throw new ApiError(404, 'not_found', `No checkpoint has tree size ${to}.`, 'to');
    const proof = await storedConsistencyProof(app.store.merkle, org.id, from, to);
    return { from: first, to: second, proof: proof.map((hash) => hash.toString('hex')) };
  });

  app.get('/api/intents/:id/replay', {
    schema: {
      tags: ['audit'], summary: 'Re-evaluate a sealed decision with its sealed policy and compare',
      params: IdParams,
      response: {
        200: Type.Object({
          intent_id: Type.String(), seq: Type.Integer(), identical: Type.Boolean(),
          decided_by: Type.Union([Type.Literal('policy'), Type.Literal('control')]),
          policy: Type.Object({ name: Type.String(), version: Type.String(), ir_hash: Type.String() }),
          sealed: Type.Unknown(), replayed: Type.Unknown(), differences: Type.Array(Type.String()),
          explanation: Type.Object({ why: Type.String(), rules: Type.Unknown() }),
          shadow_replayed: Type.Integer(),
        }),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    preValidation: readers,
  }, async (request) => {
    let answer;
    try {
      answer = await replayIntent(app.store, cache, authOf(request).org.id, request.params.id, app.listCache);
    } catch (error) {
      if (error instanceof NotDecidedError) throw new ApiError(409, 'not_decided', `${error.message}.`);
      throw error;
    }
    if (!answer) throw notFound('intent', 'id');
    return { ...answer, differences: [...answer.differences] };
  });
};
