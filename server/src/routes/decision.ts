import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { authOf } from '../plugins/auth.js';
import { IsoTimestamp, TEXT_PATTERN, errorResponses, idString } from '../schemas/common.js';

/** Amounts are Stripe minor units; 10^12 is far above any real refund and well inside 2^53. */
export const MAX_AMOUNT = 1_000_000_000_000;

const MINOR_UNITS = `a positive integer number of minor currency units (cents for USD), at most ${MAX_AMOUNT}`;

function nullable<T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) {
  return Type.Optional(Type.Union([schema, Type.Null()], { description: `${description}, or null` }));
}

export const DecisionBodySchema = Type.Object(
  {
    org_api_key: Type.Optional(Type.String({ maxLength: 200, description: 'the decision key (sk_test_… or sk_live_…), unless sent as Authorization: Bearer' })),
    source: idString('one of the sources declared by the live policy, e.g. support_tool', 64),
    action: Type.Optional(Type.Literal('refund', { description: 'the string "refund" (the only action today; the default)' })),
    amount_cents: Type.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: MINOR_UNITS }),
    currency: nullable(Type.String({ pattern: '^[A-Za-z]{3}$' }),
      'a three-letter ISO 4217 currency code such as "usd" (default: the organisation\'s currency)'),
    stripe_charge_id: nullable(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' }),
      'a Stripe charge id such as "ch_3PLs9k…": 1 to 255 printable ASCII characters without spaces'),
    customer_id: nullable(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' }),
      'a customer id such as "cus_…": 1 to 255 printable ASCII characters without spaces'),
    stripe_account: nullable(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' }),
      'a Stripe Connect account id such as "acct_…": 1 to 255 printable ASCII characters without spaces'),
    reason: nullable(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7E]+$' }),
      'a reason symbol such as "duplicate_charge": 1 to 100 printable ASCII characters without spaces'),
    customer_tenure_days: nullable(Type.Number({ minimum: 0, maximum: 1_000_000 }),
      'a number of days from 0 to 1000000 (fractions allowed)'),
    charge_amount_cents: nullable(Type.Integer({ minimum: 1, maximum: MAX_AMOUNT }), MINOR_UNITS),
    charge_age_days: nullable(Type.Number({ minimum: 0, maximum: 1_000_000 }),
      'a number of days from 0 to 1000000 (fractions allowed)'),
    requested_by: nullable(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' }),
      'who asks: a user id (usr_…) or an agent/automation name, 1 to 255 printable ASCII characters without spaces'),
    metadata: nullable(
      // Stripe's own metadata limits; values are text because Stripe's are.
      Type.Unsafe<Record<string, string>>({
        type: 'object',
        additionalProperties: {
          type: 'string', maxLength: 500, pattern: TEXT_PATTERN,
          description: 'a string of at most 500 characters without control characters',
        },
        propertyNames: { minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_.\\-]+$' },
        maxProperties: 50,
      }),
      'an object of at most 50 string values (keys of 1 to 40 characters A-Z a-z 0-9 _ . -, values of at most 500 characters without control characters)',
    ),
  },
  { additionalProperties: false, description: 'A refund about to be made.' },
);

const DecisionHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$',
    description: '1 to 255 printable ASCII characters',
  })),
});

export const DecisionViewSchema = Type.Object({
  outcome: Type.Union([Type.Literal('allow'), Type.Literal('flag'), Type.Literal('pending_approval'), Type.Literal('block')]),
  reason: Type.String(),
  policy_version: Type.String({ description: 'e.g. v3' }),
  matched_rule: Type.Union([Type.String(), Type.Null()]),
  approver_role: Type.Union([Type.String(), Type.Null()]),
  approver_roles: Type.Union([Type.Array(Type.String()), Type.Null()]),
  approvals_required: Type.Union([Type.Integer(), Type.Null()]),
  matched_rules: Type.Array(Type.String()),
  missing_fields: Type.Array(Type.String()),
  control: Type.Optional(Type.Object({
    kind: Type.String(), scope: Type.String(), reason: Type.String(), actor: Type.String(), seq: Type.Integer(), since: IsoTimestamp,
  }, { description: 'the control that blocked the request at intake (kill switch or freeze)' })),
  enforced: Type.Optional(Type.Boolean({ description: 'observe mode only: false when the policy\'s decision was recorded but not enforced' })),
  would_be: Type.Optional(Type.Unknown({ description: 'observe mode only: what the live policy decided (same fields as this object)' })),
  shadow: Type.Optional(Type.Array(Type.Unknown(), {
    description: 'present when the organisation runs shadow policies: each one\'s decision on the same input and facts '
      + '({ policy_version, outcome, reason, matched_rule, approver_role, approver_roles, approvals_required, matched_rules, missing_fields }), never enforced',
  })),
});

const DecisionResponseSchema = Type.Object({
  decision: DecisionViewSchema,
  intent_id: Type.String({ description: 'the sealed intent (GET /api/intents/{id})' }),
  received_at: IsoTimestamp,
});

export const decisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/decision', {
    // Its reads before sealing are early checks, all repeated inside the sealing transaction.
    config: { readsMayLag: true },
    schema: {
      tags: ['decisions'],
      summary: 'Decide a refund before it is made',
      description:
        'Evaluates the live policy and seals the decision in the ledger before answering. With an Idempotency-Key, '
        + 'the same key and body within 24 hours return the first response byte for byte (422 for a different body, '
        + '409 while the first is still being processed).',
      headers: DecisionHeadersSchema,
      body: DecisionBodySchema,
      response: { 200: DecisionResponseSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503) },
    },
    preValidation: app.authenticate(['decision'], { bodyKey: true }),
    onResponse: async (request, reply) => {
      app.metrics.decisionDuration.observe({ status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    },
  }, async (request, reply) => {
    const { org, key } = authOf(request);
    if (!key) throw new Error('POST /api/decision admits only decision keys');
    const result = await app.decisions.decide({
      org,
      keyId: key.id,
      body: request.body,
      idempotencyKey: request.headers['idempotency-key'],
    });
    if (result.outcome) app.metrics.decisions.inc({ outcome: result.outcome, source: request.body.source });
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    // The stored bytes go out as they are (the idempotent replay must match byte for byte).
    return sendJsonText(reply as unknown as FastifyReply, result.statusCode, result.body);
  });
};


/** Sends already-serialized JSON untouched: fastify passes strings through without re-serializing. */
function sendJsonText(reply: FastifyReply, statusCode: number, json: string): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(json);
}
