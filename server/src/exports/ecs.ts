// Maps a sealed ledger record to an Elastic Common Schema (ECS 8.17) document. ECS has no
// refund vocabulary, so the mapping uses the `event.*` fields that every ECS-aware SIEM indexes
// and keeps the record itself under the custom `axiru.record` field set. `event.id` is the
// record hash: receivers de-duplicate at-least-once re-sends on it.

import { actorParts, outcomeOf, summaryOf, type ExportedRecord } from './exportedRecord.js';

export const ECS_VERSION = '8.17.0';

/** event.type values per kind (ECS allowed values). */
function eventTypes(record: ExportedRecord): string[] {
  const outcome = outcomeOf(record);
  if (record.kind === 'decision') {
    if (outcome === 'block') return ['creation', 'denied'];
    if (outcome === 'allow' || outcome === 'flag') return ['creation', 'allowed'];
    return ['creation'];
  }
  if (record.kind === 'approval') return ['change', 'allowed'];
  if (record.kind === 'denial') return ['change', 'denied'];
  if (record.kind === 'observation') return ['info'];
  return ['change'];
}

export function toEcs(record: ExportedRecord): Record<string, unknown> {
  const { type, id } = actorParts(record.actor);
  const outcome = outcomeOf(record);
  return {
    '@timestamp': record.time,
    ecs: { version: ECS_VERSION },
    message: summaryOf(record),
    event: {
      id: record.hash,
      kind: 'event',
      category: record.kind === 'control' || record.kind === 'policy' || record.kind === 'org' || record.kind === 'list' ? ['configuration'] : ['api'],
      type: eventTypes(record),
      action: outcome ? `${record.kind}-${outcome}` : record.kind,
      outcome: 'success',
      sequence: record.seq,
      dataset: 'axiru.ledger',
      module: 'axiru',
      provider: 'axiru',
      ...(outcome ? { reason: outcome } : {}),
    },
    organization: { id: record.org_id },
    user: type === 'user' && id ? { id } : { name: record.actor },
    ...(record.intent_id ? { transaction: { id: record.intent_id } } : {}),
    labels: { axiru_kind: record.kind, axiru_actor_type: type },
    axiru: { record },
  };
}
