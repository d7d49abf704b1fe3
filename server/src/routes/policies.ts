import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import type { Organisation, StoredPolicy } from '../repositories/types.js';
import { shadowVersionsOf } from '../services/shadowEvaluation.js';
import { IsoTimestamp, errorResponses } from '../schemas/common.js';

const PublishBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 60_000, description: 'the policy text (a whole .axiru file), at most 60000 characters' }),
}, { additionalProperties: false });

const VersionParamsSchema = Type.Object({
  version: Type.String({ pattern: '^v[1-9][0-9]{0,8}$', description: 'a policy version such as v3' }),
});

const DiagnosticSchema = Type.Object({
  file: Type.String(),
  line: Type.Integer(),
  column: Type.Integer(),
  endLine: Type.Integer(),
  endColumn: Type.Integer(),
  severity: Type.String(),
  code: Type.String(),
  message: Type.String(),
}, { additionalProperties: true });

const PolicySummarySchema = Type.Object({
  policy_version: Type.String({ description: 'e.g. v3' }),
  version: Type.Integer(),
  name: Type.String(),
  hash: Type.String({ description: 'sha256: of the canonical IR' }),
  active: Type.Boolean({ description: 'the same as live (kept for older clients)' }),
  live: Type.Boolean({ description: 'this version decides' }),
  shadow: Type.Boolean({ description: 'this version runs as a shadow policy' }),
  created_at: IsoTimestamp,
  created_by: Type.String(),
});

const PublishResponseSchema = Type.Object({
  ...PolicySummarySchema.properties,
  created: Type.Boolean({ description: 'false when this exact policy was already published under this version' }),
  diagnostics: Type.Array(DiagnosticSchema, { description: 'warnings and notes from the compiler' }),
});

const PolicyDetailSchema = Type.Object({
  ...PolicySummarySchema.properties,
  source: Type.String(),
  ir: Type.Unknown({ description: 'the compiled IR' }),
});

const ActivateResponseSchema = Type.Object({
  ...PolicySummarySchema.properties,
  changed: Type.Boolean({ description: 'false when this version was already live' }),
});

function summary(policy: StoredPolicy, org: Organisation | null) {
  const live = policy.version === (org?.live_policy_version ?? null);
  return {
    policy_version: `v${policy.version}`,
    version: policy.version,
    name: policy.name,
    hash: policy.ir_hash,
    active: live,
    live,
    shadow: shadowVersionsOf(org).includes(policy.version),
    created_at: policy.created_at,
    created_by: policy.created_by,
  };
}

export const policyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = app.authenticate(['admin', 'user']);
  const writers = app.authenticate(['admin', 'user_admin']);

  app.post('/api/policies', {
    schema: {
      tags: ['policies'],
      summary: 'Publish a policy version',
      description:
        'Compiles the policy. 201 when the version is new; 200 with created=false when the identical policy is '
        + 'already published under that version; 409 when the version exists with a different policy; 422 with the '
        + 'compiler\'s diagnostics when it does not compile. Publishing does not make it live.',
      body: PublishBodySchema,
      response: { 200: PublishResponseSchema, 201: PublishResponseSchema, ...errorResponses(400, 401, 403, 409, 413, 422) },
    },
    preValidation: writers,
  }, async (request, reply) => {
    const { org, actor } = authOf(request);
    const result = await app.policies.publish(org.id, request.body.source, actor);
    const current = await app.store.organisations.get(org.id);
    return reply.code(result.created ? 201 : 200).send({
      ...summary(result.policy, current),
      created: result.created,
      diagnostics: [...result.diagnostics],
    });
  });

  app.get('/api/policies', {
    schema: {
      tags: ['policies'],
      summary: 'List published policy versions',
      response: { 200: Type.Object({ data: Type.Array(PolicySummarySchema) }), ...errorResponses(401, 403) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const current = await app.store.organisations.get(org.id);
    return { data: (await app.policies.list(org.id)).map((policy) => summary(policy, current)) };
  });

  app.get('/api/policies/:version', {
    schema: {
      tags: ['policies'],
      summary: 'One policy version: source, IR and hash',
      params: VersionParamsSchema,
      response: { 200: PolicyDetailSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const found = await app.policies.get(org.id, Number(request.params.version.slice(1)));
    if (!found) throw notFound('policy version', 'version');
    const current = await app.store.organisations.get(org.id);
    return { ...summary(found.policy, current), source: found.policy.source, ir: found.ir };
  });

  app.post('/api/policies/:version/activate', {
    schema: {
      tags: ['policies'],
      summary: 'Make a published version live',
      description: 'Seals a policy record in the ledger. Activating the live version again changes nothing (changed=false).',
      params: VersionParamsSchema,
      response: { 200: ActivateResponseSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: writers,
  }, async (request) => {
    const { org, actor } = authOf(request);
    const version = Number(request.params.version.slice(1));
    const result = await app.policies.activate(org.id, version, actor);
    return { ...summary(result.policy, await app.store.organisations.get(org.id)), changed: result.changed };
  });
};
