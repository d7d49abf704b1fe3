import { Type } from 'typebox';
import { IsoTimestamp } from './common.js';

export const AmountsSchema = Type.Record(Type.String(), Type.Integer(), {
  description: 'integer minor units per lower-case currency, e.g. { "usd": 1824000, "jpy": 5000 }',
});

const OutcomeSchema = Type.Union([Type.Literal('allow'), Type.Literal('flag'), Type.Literal('pending_approval'), Type.Literal('block')]);

export const TransitionSchema = Type.Object({
  from: OutcomeSchema,
  to: OutcomeSchema,
  count: Type.Integer(),
  amounts: AmountsSchema,
  text: Type.String({ description: 'e.g. "allow -> pending_approval: 82, $18,240.00"' }),
});

export const ImpactSchema = Type.Object({
  since: IsoTimestamp,
  until: IsoTimestamp,
  evaluated: Type.Integer({ description: 'recent decisions re-evaluated (control blocks are not policy decisions and are left out)' }),
  changes: Type.Array(TransitionSchema),
  summary: Type.Array(Type.String(), { description: 'the impact in sentences' }),
});
