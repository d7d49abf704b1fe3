// Maps a sealed ledger record to an OCSF API Activity event (class 6003, category 6
// "Application Activity"; https://schema.ocsf.io/1.3.0/classes/api_activity). Every record is an
// API call someone made to Axiru (a decision, an approval, a control change…), so one class
// fits all kinds; the record itself travels untouched in `unmapped.axiru_record` so the chain
// can be re-verified from the exported events. `metadata.uid` is the record hash: receivers
// de-duplicate at-least-once re-sends on it.

import { actorParts, changesExports, outcomeOf, summaryOf, type ExportedRecord } from './exportedRecord.js';

export const OCSF_VERSION = '1.3.0';
const API_ACTIVITY = 6003;

/** activity_id per record kind: creating an intent, or changing one / the organisation. */
const ACTIVITIES: Readonly<Record<string, { id: number; name: string }>> = {
  decision: { id: 1, name: 'Create' },
  observation: { id: 1, name: 'Create' },
  policy: { id: 3, name: 'Update' },
  approval: { id: 3, name: 'Update' },
  denial: { id: 3, name: 'Update' },
  expiry: { id: 3, name: 'Update' },
  control: { id: 3, name: 'Update' },
  execution: { id: 3, name: 'Update' },
  org: { id: 3, name: 'Update' },
};

/** A blocked refund, a control change or a change of the exports is what a SOC wants to see first. */
function severity(record: ExportedRecord): { id: number; name: string } {
  const outcome = outcomeOf(record);
  if (outcome === 'block' || record.kind === 'control' || record.kind === 'observation' || changesExports(record)) return { id: 3, name: 'Medium' };
  if (outcome === 'pending_approval' || outcome === 'flag' || record.kind === 'denial') return { id: 2, name: 'Low' };
  return { id: 1, name: 'Informational' };
}

/** OCSF user type: 1 User, 3 System, 99 Other (an API key or an agent). */
function actorUser(actor: string): Record<string, unknown> {
  const { type, id } = actorParts(actor);
  if (type === 'user') return { uid: id, type: 'User', type_id: 1 };
  if (type === 'api_key') return { uid: actor, credential_uid: id, type: 'Other', type_id: 99 };
  if (type === 'system' || type === 'cli') return { uid: actor, name: type, type: 'System', type_id: 3 };
  return { uid: actor, type: 'Other', type_id: 99 };
}

function requestSource(record: ExportedRecord): string | null {
  const request = record.body['request'];
  if (typeof request !== 'object' || request === null) return null;
  const source = (request as Record<string, unknown>)['source'];
  return typeof source === 'string' ? source : null;
}

export function toOcsf(record: ExportedRecord): Record<string, unknown> {
  const activity = ACTIVITIES[record.kind] ?? { id: 99, name: 'Other' };
  const level = severity(record);
  const outcome = outcomeOf(record);
  const source = requestSource(record);
  const decision = record.body['decision'];
  const reason = typeof decision === 'object' && decision !== null ? (decision as Record<string, unknown>)['reason'] : undefined;
  return {
    class_uid: API_ACTIVITY,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: API_ACTIVITY * 100 + activity.id,
    type_name: `API Activity: ${activity.name}`,
    time: Date.parse(record.time),
    severity_id: level.id,
    severity: level.name,
    // The call itself succeeded (it was sealed); a blocked refund is an outcome, not a failure.
    status_id: 1,
    status: 'Success',
    ...(outcome ? { status_detail: outcome } : {}),
    message: summaryOf(record),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Axiru', vendor_name: 'Axiru' },
      uid: record.hash,
      sequence: record.seq,
      log_name: 'ledger',
      tenant_uid: record.org_id,
      original_time: record.time,
      ...(record.intent_id ? { correlation_uid: record.intent_id } : {}),
    },
    actor: { user: actorUser(record.actor) },
    api: {
      operation: record.kind,
      service: { name: 'axiru' },
      ...(record.intent_id ? { request: { uid: record.intent_id } } : {}),
      ...(outcome ? { response: { code: 200, message: typeof reason === 'string' ? `${outcome}: ${reason}` : outcome } } : {}),
    },
    src_endpoint: source ? { svc_name: source } : { svc_name: 'axiru' },
    cloud: { provider: 'Axiru', account: { uid: record.org_id } },
    ...(record.intent_id ? { resources: [{ uid: record.intent_id, type: 'refund_intent' }] } : {}),
    unmapped: { axiru_record: record },
  };
}
