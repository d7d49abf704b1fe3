import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, notFound } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import type { IntentFilter, IntentRow } from '../repositories/types.js';
import { ID_PATTERN, IsoTimestamp, errorResponses, idString } from '../schemas/common.js';
import { MAX_AMOUNT } from './decision.js';

const MAX_LIMIT = 200;
const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

// Query strings are text: with type coercion off, numbers and dates are validated as patterns
// here and converted in the handler.
const ListQuerySchema = Type.Object({
  outcome: Type.Optional(Type.Union(
    [Type.Literal('allow'), Type.Literal('flag'), Type.Literal('pending_approval'), Type.Literal('block')],
    { description: 'one of allow, flag, pending_approval, block' })),
  status: Type.Optional(Type.Union(
    ['allowed', 'pending_approval', 'approved', 'denied', 'blocked', 'held', 'executed', 'failed', 'expired', 'observed']
      .map((status) => Type.Literal(status)),
    { description: 'one of allowed, pending_approval, approved, denied, blocked, held, executed, failed, expired, observed' })),
  source: Type.Optional(idString('a source name such as support_tool', 64)),
  customer_id: Type.Optional(idString('a customer id: 1 to 255 printable ASCII characters without spaces')),
  stripe_account: Type.Optional(idString('a Stripe account id: 1 to 255 printable ASCII characters without spaces')),
  currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'three letters, e.g. usd' })),
  min_amount_cents: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,12})$', description: `at least this many minor units of currency (needs currency; 0 to ${MAX_AMOUNT})` })),
  max_amount_cents: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,12})$', description: `at most this many minor units of currency (needs currency; 0 to ${MAX_AMOUNT})` })),
  since: Type.Optional(Type.String({ pattern: ISO_INSTANT, description: 'an ISO 8601 date-time with a time zone, e.g. 2026-04-28T00:00:00Z (inclusive)' })),
  until: Type.Optional(Type.String({ pattern: ISO_INSTANT, description: 'an ISO 8601 date-time with a time zone, e.g. 2026-04-29T00:00:00Z (exclusive)' })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: `an integer from 1 to ${MAX_LIMIT} (default 50)` })),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'the next_cursor of a previous page' })),
}, { additionalProperties: false });

const IntentSummarySchema = Type.Object({
  intent_id: Type.String(),
  received_at: IsoTimestamp,
  source: Type.String(),
  outcome: Type.String(),
  status: Type.String(),
  amount_cents: Type.Integer(),
  currency: Type.String(),
  customer_id: Type.Union([Type.String(), Type.Null()]),
  stripe_account: Type.Union([Type.String(), Type.Null()]),
  stripe_charge_id: Type.Union([Type.String(), Type.Null()]),
  policy_version: Type.String(),
  matched_rule: Type.Union([Type.String(), Type.Null()]),
  seq: Type.Integer({ description: 'position of the decision record in the organisation\'s chain' }),
});

const ListResponseSchema = Type.Object({
  data: Type.Array(IntentSummarySchema),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as cursor for the next (older) page; null on the last page' }),
});

const RecordRefSchema = Type.Object({
  seq: Type.Integer(),
  kind: Type.String(),
  time: IsoTimestamp,
  actor: Type.String(),
  prev_hash: Type.String(),
  hash: Type.String(),
});

const IntentDetailSchema = Type.Object({
  intent_id: Type.String(),
  received_at: IsoTimestamp,
  status: Type.String({ description: 'allowed, pending_approval, approved, denied, blocked, held, executed, failed, expired or observed' }),
  requested_by: Type.Union([Type.String(), Type.Null()]),
  request: Type.Unknown({ description: 'the request as evaluated (no key; currency defaulted)' }),
  facts: Type.Unknown({ description: 'computed facts passed to the policy' }),
  list_versions: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'the version of each list the decision read' })),
  shadow_facts: Type.Optional(Type.Unknown({ description: 'local time and weekday of shadow policies in another time zone, by version' })),
  decision: Type.Unknown(),
  policy: Type.Object({ name: Type.String(), version: Type.String(), ir_hash: Type.String() }),
  record: RecordRefSchema,
  events: Type.Array(Type.Object({
    seq: Type.Integer(), kind: Type.String(), time: IsoTimestamp, actor: Type.String(), body: Type.Unknown(), hash: Type.String(),
  }), { description: 'later records about this intent: approvals, denials, expiry, holds, execution' }),
  over_amount: Type.Boolean({ description: 'Stripe refunded more than this intent authorized (a sealed execution or observation says over_amount)' }),
  bypass: Type.Boolean({ description: 'money moved for this intent outside Axiru\'s control (seen through Stripe: observed, or refunded without authorization)' }),
});

const IdParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'an intent id' }),
});

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s([1-9][0-9]{0,15})$/.exec(text);
  if (!match?.[1]) throw new ApiError(400, 'invalid_field', '"cursor" must be the next_cursor of a previous page.', 'cursor');
  return Number(match[1]);
}

function parseInstant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError(400, 'invalid_field', `"${field}" is not a valid date-time: ${JSON.stringify(value)}.`, field);
  return ms;
}

/** What Stripe's side said about the intent, from its execution and observation records. */
function stripeFlags(records: readonly { kind: string; body: string }[]): { over_amount: boolean; bypass: boolean } {
  let overAmount = false;
  let bypass = false;
  for (const record of records) {
    if (record.kind !== 'execution' && record.kind !== 'observation') continue;
    const body = JSON.parse(record.body) as { over_amount?: unknown; bypass?: unknown };
    overAmount ||= body.over_amount === true;
    bypass ||= body.bypass === true;
  }
  return { over_amount: overAmount, bypass };
}

function summary(row: IntentRow) {
  return {
    intent_id: row.id,
    received_at: row.received_at,
    source: row.source,
    outcome: row.outcome,
    status: row.status,
    amount_cents: row.amount_cents,
    currency: row.currency,
    customer_id: row.customer_id,
    stripe_account: row.stripe_account,
    stripe_charge_id: row.stripe_charge_id,
    policy_version: `v${row.policy_version}`,
    matched_rule: row.matched_rule,
    seq: row.seq,
  };
}

/** The amount bounds of a list query: only with a currency, since minor units of different currencies do not compare. */
function amountRange(min: string | undefined, max: string | undefined, currency: string | undefined): Pick<IntentFilter, 'min_amount_cents' | 'max_amount_cents'> {
  if (min === undefined && max === undefined) return {};
  const field = min !== undefined ? 'min_amount_cents' : 'max_amount_cents';
  if (currency === undefined) {
    throw new ApiError(400, 'invalid_field', `"${field}" needs "currency": amounts in different currencies do not compare.`, 'currency');
  }
  const bounds: { min_amount_cents?: number; max_amount_cents?: number } = {};
  for (const [name, text] of [['min_amount_cents', min], ['max_amount_cents', max]] as const) {
    if (text === undefined) continue;
    const value = Number(text);
    if (value > MAX_AMOUNT) throw new ApiError(400, 'invalid_field', `"${name}" must be at most ${MAX_AMOUNT}; got ${text}.`, name);
    bounds[name] = value;
  }
  if (bounds.min_amount_cents !== undefined && bounds.max_amount_cents !== undefined && bounds.min_amount_cents > bounds.max_amount_cents) {
    throw new ApiError(400, 'invalid_field', `"min_amount_cents" (${min}) is above "max_amount_cents" (${max}).`, 'min_amount_cents');
  }
  return bounds;
}

export const intentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = app.authenticate(['decision', 'admin', 'user']);

  app.get('/api/intents', {
    schema: {
      tags: ['decisions'],
      summary: 'List intents, newest first',
      querystring: ListQuerySchema,
      response: { 200: ListResponseSchema, ...errorResponses(400, 401, 403) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const query = request.query;
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (limit > MAX_LIMIT) throw new ApiError(400, 'invalid_field', `"limit" must be an integer from 1 to ${MAX_LIMIT}; got ${limit}.`, 'limit');
    const filter: IntentFilter = {
      ...(query.outcome !== undefined ? { outcome: query.outcome } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.source !== undefined ? { source: query.source } : {}),
      ...(query.customer_id !== undefined ? { customer_id: query.customer_id } : {}),
      ...(query.stripe_account !== undefined ? { stripe_account: query.stripe_account } : {}),
      ...(query.currency !== undefined ? { currency: query.currency.toLowerCase() } : {}),
      ...amountRange(query.min_amount_cents, query.max_amount_cents, query.currency),
      ...(query.since !== undefined ? { since_ms: parseInstant(query.since, 'since') } : {}),
      ...(query.until !== undefined ? { until_ms: parseInstant(query.until, 'until') } : {}),
      ...(query.cursor !== undefined ? { before_seq: decodeCursor(query.cursor) } : {}),
    };
    // One extra row tells whether another page exists without a count query.
    const rows = await app.store.intents.list(org.id, filter, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(summary),
      next_cursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    };
  });

  app.get('/api/intents/:id', {
    schema: {
      tags: ['decisions'],
      summary: 'The sealed record of one intent',
      params: IdParamsSchema,
      response: { 200: IntentDetailSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    // Scoped by organisation in the query itself: another organisation's id is simply not found.
    const intent = await app.intent(org.id, request.params.id);
    if (!intent) throw notFound('intent', 'id');
    const records = await app.store.ledger.byIntent(org.id, intent.id);
    const decisionRecord = records.find((record) => record.seq === intent.seq);
    if (!decisionRecord) throw new Error(`intent ${intent.id} has no decision record at seq ${intent.seq}`);
    const body = JSON.parse(decisionRecord.body) as {
      request: unknown; facts: unknown; decision: unknown; policy: { name: string; version: string; ir_hash: string };
      list_versions?: Record<string, number>; shadow_facts?: unknown;
    };
    return {
      intent_id: intent.id,
      received_at: intent.received_at,
      status: intent.status,
      requested_by: intent.requested_by,
      request: body.request,
      facts: body.facts,
      ...(body.list_versions ? { list_versions: body.list_versions } : {}),
      ...(body.shadow_facts ? { shadow_facts: body.shadow_facts } : {}),
      decision: body.decision,
      policy: body.policy,
      record: {
        seq: decisionRecord.seq,
        kind: decisionRecord.kind,
        time: decisionRecord.time,
        actor: decisionRecord.actor,
        prev_hash: decisionRecord.prev_hash,
        hash: decisionRecord.hash,
      },
      events: records.filter((record) => record.seq !== intent.seq).map((record) => ({
        seq: record.seq,
        kind: record.kind,
        time: record.time,
        actor: record.actor,
        body: JSON.parse(record.body) as unknown,
        hash: record.hash,
      })),
      ...stripeFlags(records),
    };
  });
};
