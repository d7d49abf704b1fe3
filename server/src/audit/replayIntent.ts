// Replays one sealed decision: the sealed request and facts through the sealed policy (its IR
// is stored by hash), and each sealed shadow policy, rebuilt into the decision the caller was
// told, and compared byte for byte (canonical JSON) with what was sealed. A decision made by a
// control (kill switch, freeze) was not the policy's: it is rebuilt from the control's own
// record in the chain instead, and the answer says so.

import { canonicalJson, type Explanation, type JsonValue } from '@axiru/runtime';
import type { Repositories } from '../repositories/types.js';
import { controlBlocking } from '../services/controls.js';
import { ListCache } from '../services/ListCache.js';
import type { PolicyCache } from '../services/PolicyCache.js';
import { respondedDecision, type DecisionView } from '../services/sealDecisions.js';
import { shadowDecisionView } from '../services/shadowEvaluation.js';

export interface ReplayAnswer {
  readonly intent_id: string;
  readonly seq: number;
  readonly identical: boolean;
  /** What decided: the policy, or a control that blocked the request before any policy ran. */
  readonly decided_by: 'policy' | 'control';
  readonly policy: { readonly name: string; readonly version: string; readonly ir_hash: string };
  readonly sealed: JsonValue;
  readonly replayed: JsonValue;
  /** Top-level fields of the decision that differ (empty when identical). */
  readonly differences: readonly string[];
  readonly explanation: { readonly why: string; readonly rules: Explanation['rules'] | null };
  /** Shadow decisions replayed with their own sealed policies (0 when none ran). */
  readonly shadow_replayed: number;
}

interface SealedBody {
  readonly request: Record<string, unknown>;
  readonly facts: Record<string, unknown>;
  readonly policy: { readonly name: string; readonly version: string; readonly ir_hash: string };
  readonly decision: Record<string, unknown> & { readonly control?: { readonly seq: number } };
  readonly shadow_policies?: readonly { readonly ir_hash: string; readonly version?: string }[];
  /** Local time and weekday of shadows in another zone than the live policy's, by version. */
  readonly shadow_facts?: Readonly<Record<string, Record<string, unknown>>>;
  /** The version of each list the decision read. */
  readonly list_versions?: Readonly<Record<string, number>>;
}

export class ReplayError extends Error {}

/** The intent was not decided by a policy (a refund observed in Stripe): nothing to replay. */
export class NotDecidedError extends ReplayError {}

function differences(sealed: Record<string, unknown>, replayed: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(sealed), ...Object.keys(replayed)])].sort();
  return keys.filter((key) => {
    const a = sealed[key];
    const b = replayed[key];
    if (a === undefined || b === undefined) return a !== b;
    return canonicalJson(a) !== canonicalJson(b);
  });
}

/** Null when the intent does not exist in this organisation. */
export async function replayIntent(
  repos: Repositories, cache: PolicyCache, orgId: string, intentId: string, lists: ListCache = new ListCache(),
): Promise<ReplayAnswer | null> {
  // Read from the ledger alone (the intents view may lag it): the intent's first record made it.
  const records = await repos.ledger.byIntent(orgId, intentId);
  if (records.length === 0) return null;
  const record = records[0]!;
  if (record.kind === 'observation') {
    throw new NotDecidedError(`intent ${intentId} is a refund observed in Stripe that no policy decided; there is no decision to replay`);
  }
  if (record.kind !== 'decision') throw new ReplayError(`intent ${intentId} has no decision record at seq ${record.seq}`);
  const body = JSON.parse(record.body) as SealedBody;
  const policy = await cache.byIrHash(repos, body.policy.ir_hash);
  if (!policy) throw new ReplayError(`the policy ${body.policy.version} (${body.policy.ir_hash}) that decided is not stored`);
  const sealed = body.decision;
  const observing = Object.hasOwn(sealed, 'enforced');
  // Lists at the versions the decision read, folded from their records: exact after later changes.
  const input = body.list_versions
    ? { ...body.request, ...body.facts, lists: await lists.atVersions(repos, orgId, body.list_versions) }
    : { ...body.request, ...body.facts };

  let replayed: DecisionView;
  let why: string;
  let rules: Explanation['rules'] | null = null;
  let shadowCount = 0;
  if (sealed.control) {
    const controlRecord = (await repos.ledger.scan(orgId, sealed.control.seq - 1, 1))[0];
    const controlBody = controlRecord && controlRecord.kind === 'control' ? JSON.parse(controlRecord.body) as Record<string, unknown> : null;
    if (!controlRecord || !controlBody || controlBody['action'] !== 'on' || controlRecord.seq >= record.seq) {
      throw new ReplayError(`the control record ${sealed.control.seq} this decision names is not a control turned on before it`);
    }
    const blocking = controlBlocking([{
      org_id: orgId, kind: controlBody['control'] as 'kill_switch' | 'freeze', scope: String(controlBody['scope']),
      reason: String(controlBody['reason']), actor: controlRecord.actor, seq: controlRecord.seq, created_at: controlRecord.time,
    }], String(body.request['source']), (body.request['stripe_account'] as string | undefined) ?? null);
    if (!blocking) throw new ReplayError(`the control record ${controlRecord.seq} does not cover this request`);
    replayed = {
      outcome: 'block', reason: blocking.reason, policy_version: policy.policyVersion, matched_rule: null,
      approver_role: null, approver_roles: null, approvals_required: null, matched_rules: [], missing_fields: [],
      control: blocking.view, ...(observing ? { enforced: true } : {}),
    };
    why = `Not the policy: ${blocking.reason} (control record ${controlRecord.seq}). `
      + `The request was blocked at intake, before ${policy.policyVersion} was evaluated or any fact computed.`;
  } else {
    const shadows = [];
    for (const ref of body.shadow_policies ?? []) {
      const shadow = await cache.byIrHash(repos, ref.ir_hash);
      if (!shadow) throw new ReplayError(`the shadow policy ${ref.ir_hash} is not stored`);
      shadows.push(shadow);
    }
    shadowCount = shadows.length;
    const decision = policy.decide(input);
    replayed = respondedDecision({
      facts: body.facts as never, decision,
      shadow: shadows.length === 0 ? null : shadows.map((shadow) =>
        shadowDecisionView(shadow.decide({ ...input, ...body.shadow_facts?.[shadow.policyVersion] }))),
    }, observing);
    const explanation = policy.explain(input);
    why = explanation.why;
    rules = explanation.rules;
  }
  const replayedJson = JSON.parse(canonicalJson(replayed)) as Record<string, unknown>;
  const diff = differences(sealed, replayedJson);
  return {
    intent_id: intentId,
    seq: record.seq,
    identical: diff.length === 0,
    decided_by: sealed.control ? 'control' : 'policy',
    policy: body.policy,
    sealed: sealed as JsonValue,
    replayed: replayedJson as JsonValue,
    differences: diff,
    explanation: { why, rules },
    shadow_replayed: shadowCount,
  };
}
