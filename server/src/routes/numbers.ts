import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';
import { orgNumbers } from '../services/orgNumbers.js';

const DEFAULT_WINDOW_MS = 30 * 86_400_000;
const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

const Amounts = Type.Record(Type.String(), Type.Integer(), { description: 'minor units per lower-case currency' });
const CountAndAmounts = Type.Object({ count: Type.Integer(), amounts: Amounts });

const NumbersSchema = Type.Object({
  since: Type.String(),
  until: Type.String(),
  refunded: CountAndAmounts,
  needed_approval: CountAndAmounts,
  blocked: CountAndAmounts,
  bypassed: CountAndAmounts,
  over_amount: CountAndAmounts,
  decisions: Type.Object({ allow: Type.Integer(), flag: Type.Integer(), pending_approval: Type.Integer(), block: Type.Integer() }),
});

function instant(value: string, field: string): Date {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError(400, 'invalid_field', `"${field}" is not a valid date-time: ${JSON.stringify(value)}.`, field);
  return new Date(ms);
}

export const numbersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/org/numbers', {
    schema: {
      tags: ['stripe'],
      summary: 'Refunded, needed approval, blocked and bypassed: counts and amounts per currency over a window (default the last 30 days)',
      querystring: Type.Object({
        since: Type.Optional(Type.String({ pattern: ISO_INSTANT, description: 'an ISO 8601 date-time with a time zone (inclusive; default 30 days before until)' })),
        until: Type.Optional(Type.String({ pattern: ISO_INSTANT, description: 'an ISO 8601 date-time with a time zone (exclusive; default now)' })),
      }, { additionalProperties: false }),
      response: { 200: NumbersSchema, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const until = request.query.until === undefined ? app.clock() : instant(request.query.until, 'until');
    const since = request.query.since === undefined ? new Date(until.getTime() - DEFAULT_WINDOW_MS) : instant(request.query.since, 'since');
    if (since.getTime() >= until.getTime()) throw new ApiError(400, 'invalid_field', '"since" must be before "until".', 'since');
    return orgNumbers(app.store, org.id, since, until);
  });
};
