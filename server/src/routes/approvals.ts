import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import type { IntentRow, IntentStatus, Store } from '../repositories/types.js';
import { ID_PATTERN, IsoTimestamp, TEXT_PATTERN, errorResponses, idString } from '../schemas/common.js';
import { actingRole } from '../services/roles.js';
import { DEFAULT_APPROVAL_TTL_MS } from '../services/sealDecisions.js';

const QUEUE_STATUSES = ['pending_approval', 'approved', 'denied', 'expired', 'held', 'executed'] as const;

const ListQuerySchema = Type.Object({
  status: Type.Optional(Type.Union(QUEUE_STATUSES.map((status) => Type.Literal(status)),
    { description: `one of ${QUEUE_STATUSES.join(', ')} (default pending_approval)` })),
  role: Type.Optional(idString('a role of the live policy: requests that this role may act on', 64)),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'an integer from 1 to 200 (default 50)' })),
}, { additionalProperties: false });

const ApprovalRequestSchema = Type.Object({
  intent_id: Type.String(),
  status: Type.String(),
  received_at: IsoTimestamp,
  expires_at: Type.Union([IsoTimestamp, Type.Null()]),
  source: Type.String(),
  amount_cents: Type.Integer(),
  currency: Type.String(),
  customer_id: Type.Union([Type.String(), Type.Null()]),
  stripe_charge_id: Type.Union([Type.String(), Type.Null()]),
  stripe_account: Type.Union([Type.String(), Type.Null()]),
  requested_by: Type.Union([Type.String(), Type.Null()]),
  approver_roles: Type.Array(Type.String()),
  approvals_required: Type.Integer(),
  approvals: Type.Array(Type.Object({
    user_id: Type.String(), verdict: Type.String(), role: Type.String(), time: IsoTimestamp, seq: Type.Integer(),
  })),
  matched_rule: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  matched_rules: Type.Array(Type.String()),
  facts: Type.Unknown({ description: 'the computed facts the policy saw' }),
  shadow_decisions: Type.Array(Type.Unknown(), { description: 'decisions of shadow policies (none until shadow policies exist)' }),
  refund: Type.Object({
    stripe_charge_id: Type.Union([Type.String(), Type.Null()]),
    amount_cents: Type.Integer(),
    currency: Type.String(),
    stripe_account: Type.Union([Type.String(), Type.Null()]),
  }, { description: 'exactly the refund that would execute' }),
  decision: Type.Unknown({ description: 'the original decision, as sealed' }),
});

const ActBodySchema = Type.Union([
  Type.Object({
    comment: Type.Optional(Type.Union([Type.String({ maxLength: 2000, pattern: TEXT_PATTERN }), Type.Null()],
      { description: 'a comment of at most 2000 characters without control characters, or null' })),
  }, { additionalProperties: false }),
  Type.Null(),
]);

const ActResultSchema = Type.Object({
  intent_id: Type.String(),
  status: Type.String(),
  approvals: Type.Integer(),
  approvals_required: Type.Union([Type.Integer(), Type.Null()]),
  record: Type.Object({ seq: Type.Integer(), kind: Type.String(), hash: Type.String() }),
});

const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'an intent id' }),
});

/** The full context of one approval request, as an approver needs it. */
export async function approvalRequestView(store: Store, intent: IntentRow) {
  const records = await store.ledger.byIntent(intent.org_id, intent.id);
  const decisionRecord = records.find((record) => record.seq === intent.seq);
  const body = decisionRecord ? JSON.parse(decisionRecord.body) as {
    facts: unknown; decision: { reason: string; matched_rules: string[] };
  } : { facts: {}, decision: { reason: '', matched_rules: [] } };
  const approvals = await store.approvals.forIntent(intent.org_id, intent.id);
  return {
    intent_id: intent.id,
    status: intent.status,
    received_at: intent.received_at,
    expires_at: intent.expires_ms === null ? null : new Date(intent.expires_ms).toISOString(),
    source: intent.source,
    amount_cents: intent.amount_cents,
    currency: intent.currency,
    customer_id: intent.customer_id,
    stripe_charge_id: intent.stripe_charge_id,
    stripe_account: intent.stripe_account,
    requested_by: intent.requested_by,
    approver_roles: intent.approver_roles === null ? [] : JSON.parse(intent.approver_roles) as string[],
    approvals_required: intent.approvals_required ?? 1,
    approvals: approvals.map((row) => ({ user_id: row.user_id, verdict: row.verdict, role: row.role, time: row.time, seq: row.seq })),
    matched_rule: intent.matched_rule,
    reason: body.decision.reason,
    matched_rules: body.decision.matched_rules,
    facts: body.facts,
    shadow_decisions: [],
    refund: {
      stripe_charge_id: intent.stripe_charge_id,
      amount_cents: intent.amount_cents,
      currency: intent.currency,
      stripe_account: intent.stripe_account,
    },
    decision: body.decision,
  };
}

export const approvalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/approvals', {
    schema: {
      tags: ['approvals'],
      summary: 'The approval queue, with each request\'s full context',
      querystring: ListQuerySchema,
      response: { 200: Type.Object({ data: Type.Array(ApprovalRequestSchema) }), ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const status: IntentStatus = request.query.status ?? 'pending_approval';
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    if (limit > 200) throw new ApiError(400, 'invalid_field', `"limit" must be an integer from 1 to 200; got ${limit}.`, 'limit');
    let rows = await app.store.intents.list(org.id, { outcome: 'pending_approval', status }, request.query.role === undefined ? limit : 1000);
    const role = request.query.role;
    if (role !== undefined) {
      const policy = await app.actions.livePolicy(app.store, org.id);
      const known = policy?.ir.roles.map((r) => r.name) ?? [];
      if (!policy || !known.includes(role)) {
        throw new ApiError(400, 'invalid_field', `role "${role}" is not a role of the live policy; roles: ${known.join(', ') || 'none'}.`, 'role');
      }
      rows = rows.filter((row) => actingRole([role], row.approver_roles === null ? [] : JSON.parse(row.approver_roles) as string[], policy.ir) !== null)
        .slice(0, limit);
    }
    return { data: await Promise.all(rows.map((row) => approvalRequestView(app.store, row))) };
  });

  const SettingsSchema = Type.Object({ approval_ttl_hours: Type.Number() });

  app.get('/api/approvals/settings', {
    schema: {
      tags: ['approvals'],
      summary: 'How long approval requests stay open',
      response: { 200: SettingsSchema, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const current = await app.store.organisations.get(org.id);
    return { approval_ttl_hours: (current?.approval_ttl_ms ?? DEFAULT_APPROVAL_TTL_MS) / 3_600_000 };
  });

  app.put('/api/approvals/settings', {
    schema: {
      tags: ['approvals'],
      summary: 'Set how long new approval requests stay open (requests already open keep their expiry)',
      body: Type.Object({
        approval_ttl_hours: Type.Integer({ minimum: 1, maximum: 8760, description: 'an integer number of hours from 1 to 8760' }),
      }, { additionalProperties: false }),
      response: { 200: SettingsSchema, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org } = authOf(request);
    await app.store.transaction((tx) => tx.organisations.setApprovalTtl(org.id, request.body.approval_ttl_hours * 3_600_000));
    return { approval_ttl_hours: request.body.approval_ttl_hours };
  });

  for (const verdict of ['approve', 'deny'] as const) {
    app.post(`/api/intents/:id/${verdict}`, {
      schema: {
        tags: ['approvals'],
        summary: verdict === 'approve' ? 'Approve a pending refund' : 'Deny a pending refund',
        params: IdParams,
        body: ActBodySchema,
        response: { 200: ActResultSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preValidation: app.authenticate(['user']),
    }, async (request) => {
      const { org, user } = authOf(request);
      if (!user) throw new Error('approvals admit only user keys');
      return app.actions.act(org, user, request.params.id, verdict, request.body?.comment ?? null, 'api');
    });
  }
};
