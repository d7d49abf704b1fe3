// The storage contract. Routes and services see only these interfaces; SQLite implements them
// today (repositories/sqlite), and a PostgreSQL implementation can follow without touching
// anything above this layer. Every method is async so that a networked database fits, and
// every write that must be atomic with others runs inside `Store.transaction`.

import type { PolicyIR } from '@axiru/runtime';
import type { ChainHead, StoredRecord } from '../ledger/chain.js';
import type { CheckpointRepository, MerkleRepository, SigningKeyRepository } from './auditTypes.js';
import type { NumbersRepository, ReplayRepository, StripeRepository } from './replayStripeTypes.js';

export type KeyKind = 'decision' | 'admin';
export type KeyMode = 'test' | 'live';

export interface Organisation {
  readonly id: string;
  readonly name: string;
  /** Lower-case ISO 4217 code used when a decision request gives no currency. */
  readonly default_currency: string;
  readonly live_policy_version: number | null;
  readonly created_at: string;
  /** How long an approval request stays open (the database defaults it to 72 h). */
  readonly approval_ttl_ms?: number;
  /** `observe` records the live policy's decisions without enforcing them (the database defaults it to `enforce`). */
  readonly mode?: OrgMode;
  /** JSON array of the running shadow versions (the database defaults it to `[]`). */
  readonly shadow_versions?: string;
}

export type OrgMode = 'observe' | 'enforce';

/** A person of an organisation. `roles` are policy role names and/or `admin`. */
export interface UserRecord {
  readonly id: string;
  readonly org_id: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly slack_user_id: string | null;
  readonly key_hash: string;
  readonly key_hint: string;
  readonly created_at: string;
  readonly disabled_at: string | null;
  /** The identity provider and subject of a user created by single sign-on (null otherwise). */
  readonly sso_issuer?: string | null;
  readonly sso_subject?: string | null;
}

export type ApprovalVerdict = 'approve' | 'deny';

export interface ApprovalRow {
  readonly org_id: string;
  readonly intent_id: string;
  readonly user_id: string;
  readonly verdict: ApprovalVerdict;
  readonly role: string;
  readonly seq: number;
  readonly time: string;
}

export type ControlKind = 'freeze' | 'kill_switch';

export interface ControlRow {
  readonly org_id: string;
  readonly kind: ControlKind;
  /** freeze: the Stripe account id; kill switch: `org` or `source:<name>`. */
  readonly scope: string;
  readonly reason: string;
  readonly actor: string;
  readonly seq: number;
  readonly created_at: string;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly org_id: string;
  readonly kind: KeyKind;
  readonly mode: KeyMode;
  readonly key_hash: string;
  readonly hint: string;
  readonly label: string | null;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export interface StoredPolicy {
  readonly org_id: string;
  readonly version: number;
  readonly name: string;
  readonly ir_hash: string;
  readonly source: string;
  readonly created_at: string;
  readonly created_by: string;
}

/** Intent statuses (ARCHITECTURE.md, "Intents and their lifecycle"). */
export type IntentStatus =
  | 'allowed' | 'pending_approval' | 'approved' | 'denied' | 'blocked' | 'held'
  | 'executed' | 'failed' | 'expired' | 'observed';

export interface IntentRow {
  readonly org_id: string;
  readonly id: string;
  readonly seq: number;
  readonly received_at: string;
  readonly received_ms: number;
  readonly source: string;
  readonly outcome: string;
  readonly status: IntentStatus;
  readonly amount_cents: number;
  readonly currency: string;
  readonly customer_id: string | null;
  readonly stripe_account: string | null;
  readonly stripe_charge_id: string | null;
  readonly policy_version: number;
  readonly matched_rule: string | null;
  /** Who asked (a user id or an agent/automation name), when the request said. */
  readonly requested_by: string | null;
  /** JSON array of the roles a pending approval asked for. */
  readonly approver_roles: string | null;
  readonly approvals_required: number | null;
  /** When a pending approval expires (epoch ms). */
  readonly expires_ms: number | null;
  /** While held: the status the hold interrupted. */
  readonly held_from: IntentStatus | null;
}

export interface IntentFilter {
  readonly outcome?: string;
  readonly source?: string;
  readonly status?: string;
  readonly customer_id?: string;
  readonly stripe_account?: string;
  /** Lower-case ISO currency; the amount bounds are in its minor units. */
  readonly currency?: string;
  /** Inclusive bounds on amount_cents. */
  readonly min_amount_cents?: number;
  readonly max_amount_cents?: number;
  /** Inclusive lower bound on received_ms. */
  readonly since_ms?: number;
  /** Exclusive upper bound on received_ms. */
  readonly until_ms?: number;
  /** Only intents with a seq below this (cursor pagination, newest first). */
  readonly before_seq?: number;
}

export interface IdempotencyRow {
  readonly org_id: string;
  readonly key: string;
  readonly request_hash: string;
  readonly status_code: number;
  readonly response: string;
  readonly created_ms: number;
}

export interface OrganisationRepository {
  create(org: Organisation): Promise<void>;
  get(id: string): Promise<Organisation | null>;
  list(): Promise<readonly Organisation[]>;
  setLivePolicy(orgId: string, version: number): Promise<void>;
  setApprovalTtl(orgId: string, ttlMs: number): Promise<void>;
  setMode(orgId: string, mode: OrgMode): Promise<void>;
}

export interface ApiKeyRepository {
  create(key: ApiKeyRecord): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  list(orgId: string | null): Promise<readonly ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no such unrevoked key. */
  revoke(id: string, at: string): Promise<boolean>;
}

export interface PolicyRepository {
  /** Stores an IR under its hash; storing the same hash again is a no-op. */
  putIR(hash: string, ir: PolicyIR): Promise<void>;
  getIR(hash: string): Promise<PolicyIR | null>;
  create(policy: StoredPolicy): Promise<void>;
  get(orgId: string, version: number): Promise<StoredPolicy | null>;
  list(orgId: string): Promise<readonly StoredPolicy[]>;
}

/** A record as a scan of envelopes reads it: every field, the body only for some kinds. */
export type RecordEnvelope = Omit<StoredRecord, 'body'> & { readonly body: string | null };

export interface LedgerRepository {
  /**
   * The organisation's chain head. Called inside a write transaction it is the authority on
   * the next seq: SQLite has a single writer, and PostgreSQL would `SELECT … FOR UPDATE` here.
   */
  head(orgId: string): Promise<ChainHead | null>;
  setHead(orgId: string, head: ChainHead): Promise<void>;
  append(record: StoredRecord): Promise<void>;
  /** Records with seq > afterSeq in ascending order, at most `limit`. */
  scan(orgId: string, afterSeq: number, limit: number): Promise<readonly StoredRecord[]>;
  /**
   * Like scan, but only records whose kind is in `bodyKinds` carry their body (the others'
   * is null): a projection that folds hashes, or a few kinds, never copies the rest's bodies.
   */
  scanEnvelopes(orgId: string, afterSeq: number, limit: number, bodyKinds: readonly string[]): Promise<readonly RecordEnvelope[]>;
  byIntent(orgId: string, intentId: string): Promise<readonly StoredRecord[]>;
  /** Every organisation that has a chain or a head (for verification of all chains). */
  chainOrgIds(): Promise<readonly string[]>;
  /** Total records over all organisations. */
  size(): Promise<number>;
}

/** The intents column that scopes a velocity fact. */
export type VelocityColumn = 'customer_id' | 'source' | 'stripe_account';

export interface IntentRepository {
  insert(intent: IntentRow): Promise<void>;
  get(orgId: string, id: string): Promise<IntentRow | null>;
  /** Newest first. */
  list(orgId: string, filter: IntentFilter, limit: number): Promise<readonly IntentRow[]>;
  /** Intents of this customer with received_ms in (fromMs, toMs] and one of `statuses`. */
  countForCustomer(orgId: string, customerId: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[]): Promise<number>;
  /** Sum of amount_cents of intents on this charge in `currency`, received at or before toMs, with one of `statuses`. */
  sumForCharge(orgId: string, chargeId: string, currency: string, toMs: number, statuses: readonly IntentStatus[]): Promise<number>;
  /**
   * Intents whose `scope` column equals `value`, with received_ms in (fromMs, toMs] and one of
   * `statuses`: how many (any currency) and the sum of amount_cents of those in `currency`.
   */
  velocity(
    orgId: string, scope: VelocityColumn, value: string, currency: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<{ readonly count: number; readonly sum: number }>;
  setStatus(orgId: string, id: string, status: IntentStatus, heldFrom: IntentStatus | null): Promise<void>;
  /**
   * Pending approvals whose expiry is at or before `nowMs`, over all organisations, fairly:
   * round-robin by organisation (each one's oldest, then each one's second oldest, …).
   */
  dueForExpiry(nowMs: number, limit: number): Promise<readonly IntentRow[]>;
  /** Deletes every intent (rebuilding the intents projection). */
  clear(): Promise<void>;
}

export interface UserRepository {
  create(user: UserRecord): Promise<void>;
  get(orgId: string, id: string): Promise<UserRecord | null>;
  findByKeyHash(keyHash: string): Promise<UserRecord | null>;
  findBySlackId(orgId: string, slackUserId: string): Promise<UserRecord | null>;
  findByEmail(orgId: string, email: string): Promise<UserRecord | null>;
  list(orgId: string): Promise<readonly UserRecord[]>;
  /** Marks the user disabled; false when there is no such enabled user. */
  disable(orgId: string, id: string, at: string): Promise<boolean>;
}

export interface ApprovalRepository {
  insert(row: ApprovalRow): Promise<void>;
  forIntent(orgId: string, intentId: string): Promise<readonly ApprovalRow[]>;
  /** Deletes every approval row (rebuilding the intents projection). */
  clear(): Promise<void>;
}

export interface ControlRepository {
  active(orgId: string): Promise<readonly ControlRow[]>;
  get(orgId: string, kind: ControlKind, scope: string): Promise<ControlRow | null>;
  put(row: ControlRow): Promise<void>;
  /** False when no such control was active. */
  remove(orgId: string, kind: ControlKind, scope: string): Promise<boolean>;
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly org_id: string;
  readonly url: string;
  readonly secret: string;
  readonly events: readonly string[];
  readonly created_at: string;
  readonly disabled_at: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  readonly id: string;
  readonly org_id: string;
  readonly endpoint_id: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly next_attempt_ms: number | null;
  readonly last_status: number | null;
  readonly last_error: string | null;
  readonly created_at: string;
  readonly delivered_at: string | null;
}

/** Who claims due deliveries, and for how long (the lease; see server/README.md, "Running several servers"). */
export interface DeliveryClaim {
  readonly holder: string;
  readonly leaseMs: number;
}

/** A due delivery as claimed: `taken_over` when another server had claimed it and never recorded an attempt. */
export interface ClaimedDelivery extends WebhookDelivery {
  readonly taken_over: boolean;
}

export interface WebhookRepository {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(orgId: string, id: string): Promise<WebhookEndpoint | null>;
  /** Enabled and disabled endpoints of the organisation, oldest first. */
  listEndpoints(orgId: string): Promise<readonly WebhookEndpoint[]>;
  disableEndpoint(orgId: string, id: string, at: string): Promise<boolean>;
  insertDelivery(delivery: WebhookDelivery): Promise<void>;
  /**
   * Pending deliveries due at or before nowMs, over all organisations, fairly: round-robin by
   * organisation (each one's oldest, then each one's second oldest, …), so one organisation's
   * backlog never fills a run.
   */
  dueDeliveries(nowMs: number, limit: number, claim: DeliveryClaim): Promise<readonly ClaimedDelivery[]>;
  /** Newest first. */
  deliveries(orgId: string, endpointId: string, limit: number): Promise<readonly WebhookDelivery[]>;
  recordAttempt(id: string, update: Pick<WebhookDelivery, 'status' | 'attempts' | 'next_attempt_ms' | 'last_status' | 'last_error' | 'delivered_at'>): Promise<void>;
}

export interface SlackSettings {
  readonly org_id: string;
  readonly bot_token: string;
  readonly channel: string;
  readonly signing_secret: string;
}

export interface SlackRepository {
  getSettings(orgId: string): Promise<SlackSettings | null>;
  putSettings(settings: SlackSettings): Promise<void>;
  /** Every organisation's settings (to find the one whose signing secret verifies a callback). */
  allSettings(): Promise<readonly SlackSettings[]>;
  putMessage(orgId: string, intentId: string, channel: string, ts: string): Promise<void>;
  getMessage(orgId: string, intentId: string): Promise<{ channel: string; ts: string } | null>;
}

/** What an organisation changed from the server's rate-limit defaults (services/rateLimits.ts). */
export interface OrgRateLimitsRow {
  readonly org_id: string;
  /** JSON object: any of decision_per_key, decision_per_org, admin_per_key, admin_per_org. */
  readonly limits: string;
  readonly updated_at: string;
  readonly updated_by: string;
}

export interface RateLimitRepository {
  get(orgId: string): Promise<OrgRateLimitsRow | null>;
  put(row: OrgRateLimitsRow): Promise<void>;
  /** Back to the defaults. */
  remove(orgId: string): Promise<void>;
}

export interface IdempotencyRepository {
  get(orgId: string, key: string): Promise<IdempotencyRow | null>;
  /** Inserts, replacing an expired row under the same key. */
  put(row: IdempotencyRow): Promise<void>;
  /** Deletes rows created before `beforeMs`; returns how many. */
  purge(beforeMs: number): Promise<number>;
}

/** A signed-in dashboard session (the cookie holds the token; only its hash is stored). */
export interface SessionRow {
  readonly token_hash: string;
  readonly org_id: string;
  readonly user_id: string;
  readonly csrf_token: string;
  readonly created_ms: number;
  readonly last_seen_ms: number;
  readonly expires_ms: number;
  /** How the user signed in (absent: 'password'). */
  readonly method?: 'password' | 'sso';
}

/** A one-time link that lets a user set their password. */
export interface InviteRow {
  readonly token_hash: string;
  readonly org_id: string;
  readonly user_id: string;
  readonly created_by: string;
  readonly created_ms: number;
  readonly expires_ms: number;
  readonly used_ms: number | null;
}

/** Signing in: password hashes, sessions and invites. */
export interface SessionRepository {
  /** Enabled users with this (lower-case) email in any organisation, with their password hash. */
  credentialsByEmail(email: string): Promise<readonly { readonly user: UserRecord; readonly password_hash: string | null }[]>;
  setPassword(orgId: string, userId: string, passwordHash: string): Promise<void>;
  create(session: SessionRow): Promise<void>;
  get(tokenHash: string): Promise<SessionRow | null>;
  touch(tokenHash: string, lastSeenMs: number): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a user (a new password signs out everywhere). */
  deleteForUser(orgId: string, userId: string): Promise<void>;
  /** Deletes sessions past their idle or absolute expiry; returns how many. */
  purge(nowMs: number, idleMs: number): Promise<number>;
  createInvite(invite: InviteRow): Promise<void>;
  getInvite(tokenHash: string): Promise<InviteRow | null>;
  /** Marks an unused invite used; false when it was already used. */
  useInvite(tokenHash: string, atMs: number): Promise<boolean>;
}

/** A period during which a version ran as a shadow policy. */
export interface ShadowPolicyRow {
  readonly org_id: string;
  readonly version: number;
  readonly started_seq: number;
  readonly started_at: string;
  readonly started_by: string;
  readonly stopped_seq: number | null;
  readonly stopped_at: string | null;
  readonly stopped_by: string | null;
}

/** A shadow policy's decision beside the live one's, for one intent. */
export interface ShadowDecisionRow {
  readonly org_id: string;
  readonly policy_version: number;
  readonly seq: number;
  readonly intent_id: string;
  readonly received_ms: number;
  readonly amount_cents: number;
  readonly currency: string;
  readonly live_version: number;
  readonly live_outcome: string;
  readonly live_rule: string | null;
  readonly outcome: string;
  readonly matched_rule: string | null;
}

/** Counts and amounts of one group of differing shadow decisions, per currency. */
export interface ShadowGroupRow {
  readonly key_from: string | null;
  readonly key_to: string | null;
  readonly currency: string;
  readonly count: number;
  readonly amount: number;
}

/** A decision record with its intent row, for re-evaluating recent traffic. */
export interface DecisionTraffic {
  readonly intent: IntentRow;
  readonly record: StoredRecord;
}

export interface ShadowRepository {
  /** Running shadow periods of the organisation, oldest first. */
  running(orgId: string): Promise<readonly ShadowPolicyRow[]>;
  start(row: ShadowPolicyRow): Promise<void>;
  /** Ends the running period of `version`; false when it was not running. */
  stop(orgId: string, version: number, seq: number, at: string, by: string): Promise<boolean>;
  /** Writes the organisation's running set (organisations.shadow_versions). */
  setRunning(orgId: string, versions: readonly number[]): Promise<void>;
  insertDecision(row: ShadowDecisionRow): Promise<void>;
  /** Marks an intent's decision as recorded but not enforced (observe mode). */
  markNotEnforced(orgId: string, intentId: string): Promise<void>;
  /** Deletes every shadow decision row (rebuilding the intents projection). */
  clearDecisions(): Promise<void>;
  /** Shadow decisions of `version` with received_ms in [sinceMs, untilMs): how many, and how many differ. */
  counts(orgId: string, version: number, sinceMs: number, untilMs: number): Promise<{ compared: number; differing: number }>;
  /** Differing decisions grouped by (live outcome, shadow outcome, currency). */
  transitions(orgId: string, version: number, sinceMs: number, untilMs: number): Promise<readonly ShadowGroupRow[]>;
  /** Differing decisions grouped by the rule that decided on `side` (key_from) and currency. */
  rules(orgId: string, version: number, sinceMs: number, untilMs: number, side: 'live' | 'shadow'): Promise<readonly ShadowGroupRow[]>;
  /** Differing decisions, newest first, with seq below `beforeSeq` when given. */
  differing(orgId: string, version: number, sinceMs: number, untilMs: number, beforeSeq: number | null, limit: number): Promise<readonly ShadowDecisionRow[]>;
  /** Decision records of intents received in [sinceMs, untilMs) with seq above `afterSeq`, oldest first. */
  traffic(orgId: string, sinceMs: number, untilMs: number, afterSeq: number, limit: number): Promise<readonly DecisionTraffic[]>;
}

export type ExportSinkType = 'files' | 'splunk' | 'datadog' | 's3';

/** A SIEM export sink and its durable position in its organisation's chain. */
export interface ExportSinkRow {
  readonly id: string;
  readonly org_id: string;
  readonly type: ExportSinkType;
  readonly name: string;
  /** JSON of the sink's settings (exports/sinkConfig.ts), secrets included. */
  readonly config: string;
  /** `api` (POST /api/exports) or `config` (a line of the server's config file). */
  readonly origin: 'api' | 'config';
  readonly created_at: string;
  readonly deleted_at: string | null;
  /** The last seq the receiver acknowledged (0: nothing yet). */
  readonly cursor_seq: number;
  /** The last seq of the batch in flight, pinned so that a re-send covers the same range. */
  readonly pending_to_seq: number | null;
  readonly attempts: number;
  readonly next_attempt_ms: number | null;
  readonly last_error: string | null;
  readonly last_error_at: string | null;
  readonly last_success_at: string | null;
  readonly delivered: number;
}

export interface ExportSinkRepository {
  create(row: ExportSinkRow): Promise<void>;
  get(orgId: string, id: string): Promise<ExportSinkRow | null>;
  /** The organisation's sinks (not deleted), oldest first. */
  list(orgId: string): Promise<readonly ExportSinkRow[]>;
  /** Every sink not deleted, over all organisations. */
  active(): Promise<readonly ExportSinkRow[]>;
  /** The config-file sink (org, name) that is not deleted. */
  configured(orgId: string, name: string): Promise<ExportSinkRow | null>;
  /** Replaces the settings of a sink, keeping its position. */
  updateConfig(id: string, type: ExportSinkRow['type'], config: string): Promise<void>;
  /** False when there is no such sink. */
  remove(orgId: string, id: string, at: string): Promise<boolean>;
  setPending(id: string, toSeq: number): Promise<void>;
  /** Moves the cursor from `fromSeq` to `toSeq` after an acknowledgement; false if it was not at `fromSeq`. */
  advance(id: string, fromSeq: number, toSeq: number, at: string): Promise<boolean>;
  recordFailure(id: string, failure: { attempts: number; next_attempt_ms: number; last_error: string; last_error_at: string }): Promise<void>;
}

/** A lease just taken or renewed. */
export interface LeaseClaim {
  /** The lease was another server's and ran out without being given back (that server stopped or died). */
  readonly takenOver: boolean;
}

/**
 * Leases on background work shared by the servers of one database: (job, key) is held by one
 * holder until `until_ms`; another holder gets it only after that (or once it was released).
 */
export interface LeaseRepository {
  /** Takes the lease, or renews it when `holder` has it; null while another holder's lease runs. */
  claim(job: string, key: string, holder: string, nowMs: number, untilMs: number): Promise<LeaseClaim | null>;
  /** Gives the lease back (only `holder`'s), so another server need not wait for it to run out. */
  release(job: string, key: string, holder: string): Promise<void>;
  /** The keys of `job` whose lease runs at `nowMs` (any holder). */
  live(job: string, nowMs: number): Promise<readonly string[]>;
}

/** An approval message to send (Slack or email), written with the event it tells of. */
export interface OutboxNotification {
  readonly id: string;
  readonly org_id: string;
  readonly channel: 'slack' | 'email';
  /** The event as JSON. */
  readonly event: string;
  /** When the claim of `claimed_by` runs out (real time, ms). */
  readonly next_attempt_ms: number;
  readonly claimed_by: string;
  readonly created_at: string;
}

/** The outbox of approval messages (15_leases.sql): sent by the committing server, or after its lease by another. */
export interface NotificationOutboxRepository {
  enqueue(row: OutboxNotification): Promise<void>;
  /** Whether any row of `channels` is due at `nowMs` (a read, so that idle polls write nothing). */
  anyDue(nowMs: number, channels: readonly OutboxNotification['channel'][]): Promise<boolean>;
  /** Claims due rows of `channels`, oldest first, for `claim.holder` until nowMs + claim.leaseMs. */
  claimDue(nowMs: number, limit: number, channels: readonly OutboxNotification['channel'][], claim: DeliveryClaim): Promise<readonly (OutboxNotification & { taken_over: boolean })[]>;
  /** The message went out (or failed for good): the row goes. */
  done(id: string): Promise<void>;
}

/** Where each projection (server/src/projections) stands in each organisation's chain. */
export interface ProjectionRepository {
  /** The seq of the last record of `orgId` applied to `projection` (0: none). */
  cursor(projection: string, orgId: string): Promise<number>;
  setCursor(projection: string, orgId: string, seq: number): Promise<void>;
  /** Forgets every cursor of `projection` (it starts again from record zero). */
  reset(projection: string): Promise<void>;
  /** Records in all chains not yet applied to `projection`. */
  lag(projection: string): Promise<number>;
}

/** One of an organisation's lists, as the lists projection holds it. */
export interface ListRow {
  readonly org_id: string;
  readonly name: string;
  /** 1 after the first change, +1 after each later one. */
  readonly version: number;
  readonly size: number;
  /** The `list` record of the latest change. */
  readonly seq: number;
  readonly updated_at: string;
}

/** The lists projection (a fold of `list` records; server/src/projections/listsProjection.ts). */
export interface ListRepository {
  /** The organisation's lists, by name. */
  all(orgId: string): Promise<readonly ListRow[]>;
  get(orgId: string, name: string): Promise<ListRow | null>;
  /** The list's current values, sorted. */
  values(orgId: string, name: string): Promise<readonly string[]>;
  /** Which of `values` the list holds now. */
  present(orgId: string, name: string, values: readonly string[]): Promise<readonly string[]>;
  /** Applies one change: the new row, the values added and removed, and which record made the version. */
  apply(row: ListRow, added: readonly string[], removed: readonly string[]): Promise<void>;
  /** The records that made versions 1..upTo of the list, in version order. */
  versionSeqs(orgId: string, name: string, upTo: number): Promise<readonly number[]>;
  /** Deletes every list (rebuilding the projection). */
  clear(): Promise<void>;
}

export interface Repositories {
  readonly organisations: OrganisationRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly policies: PolicyRepository;
  readonly ledger: LedgerRepository;
  readonly intents: IntentRepository;
  readonly idempotency: IdempotencyRepository;
  readonly users: UserRepository;
  readonly approvals: ApprovalRepository;
  readonly controls: ControlRepository;
  readonly webhooks: WebhookRepository;
  readonly slack: SlackRepository;
  readonly merkle: MerkleRepository;
  readonly checkpoints: CheckpointRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly replays: ReplayRepository;
  readonly stripe: StripeRepository;
  readonly numbers: NumbersRepository;
  readonly exportSinks: ExportSinkRepository;
  readonly shadows: ShadowRepository;
  readonly sessions: SessionRepository;
  readonly rateLimits: RateLimitRepository;
  readonly projections: ProjectionRepository;
  readonly sso: SsoRepository;
  readonly lists: ListRepository;
  readonly leases: LeaseRepository;
  readonly notifications: NotificationOutboxRepository;
}

/** An organisation's OpenID Connect settings (the client secret in the clear here, sealed at rest). */
export interface SsoSettings {
  readonly org_id: string;
  readonly issuer: string;
  readonly client_id: string;
  readonly client_secret: string;
  readonly groups_claim: string;
  readonly role_map: Readonly<Record<string, readonly string[]>>;
  readonly enforce: boolean;
  readonly email_domains: readonly string[];
  readonly updated_at: string;
  readonly updated_by: string;
}

/** A sign-in between /api/sso/start and /api/sso/callback. */
export interface SsoFlow {
  readonly state: string;
  readonly org_id: string;
  readonly code_verifier: string;
  readonly nonce: string;
  readonly redirect_uri: string;
  readonly created_ms: number;
}

export interface SsoRepository {
  get(orgId: string): Promise<SsoSettings | null>;
  put(settings: SsoSettings): Promise<void>;
  /** False when the organisation had no SSO settings. */
  remove(orgId: string): Promise<boolean>;
  /** The settings whose email_domains list this (lower-case) domain. */
  byEmailDomain(domain: string): Promise<readonly SsoSettings[]>;
  createFlow(flow: SsoFlow): Promise<void>;
  /** Deletes and returns the flow: a state completes at most once. */
  takeFlow(state: string): Promise<SsoFlow | null>;
  purgeFlows(beforeMs: number): Promise<number>;
  userBySubject(orgId: string, issuer: string, subject: string): Promise<UserRecord | null>;
  /** Links a user to an identity, and sets the name, email and roles the identity provider gave. */
  updateFromIdentity(orgId: string, userId: string, identity: { issuer: string; subject: string; email: string; name: string; roles: readonly string[] }): Promise<void>;
}

/**
 * A database. Its own repositories read committed data; `transaction` runs `work` in one write
 * transaction that commits durably when `work` resolves and rolls back when it throws.
 * Transactions never interleave.
 */
export interface Store extends Repositories {
  readonly kind: string;
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Liveness probe for /healthz. */
  ping(): Promise<void>;
  /**
   * Makes everything durable so far, including other processes' commits (the CLI), visible to
   * this store's reads; called as each request starts. With `wait`, a commit of this store
   * that is still being made durable is waited for (a promise), so the request sees it too.
   */
  refreshReads(wait: boolean): Promise<void> | null;
  close(): Promise<void>;
}
