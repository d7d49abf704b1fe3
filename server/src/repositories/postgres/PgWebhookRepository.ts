import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ClaimedDelivery, DeliveryClaim, WebhookDelivery, WebhookEndpoint, WebhookRepository } from '../types.js';

import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';

interface EndpointRowText extends Omit<WebhookEndpoint, 'events'> {
  readonly events: string;
}

function endpointFromRow(row: EndpointRowText | undefined, secrets: SecretBox): WebhookEndpoint | null {
  return row ? { ...row, secret: secrets.open(SETTINGS.webhookSecret, row.secret), events: JSON.parse(row.events) as string[] } : null;
}

const DELIVERY_COLUMNS = `id, org_id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_ms,
  last_status, last_error, created_at, delivered_at`;

export class PgWebhookRepository implements WebhookRepository {
  private readonly insertEndpointStmt;
  private readonly getEndpointStmt;
  private readonly listEndpointsStmt;
  private readonly disableEndpointStmt;
  private readonly insertDeliveryStmt;
  private readonly dueStmt;
  private readonly deliveriesStmt;
  private readonly attemptStmt;

  constructor(private readonly db: PgConnection, private readonly secrets: SecretBox) {
    this.insertEndpointStmt = db.prepare(
      `INSERT INTO webhook_endpoints (id, org_id, url, secret, events, created_at, disabled_at)
       VALUES (@id, @org_id, @url, @secret, @events, @created_at, @disabled_at)`,
    );
    this.getEndpointStmt = db.prepare('SELECT * FROM webhook_endpoints WHERE org_id = ? AND id = ?');
    this.listEndpointsStmt = db.prepare('SELECT * FROM webhook_endpoints WHERE org_id = ? ORDER BY created_at, id');
    this.disableEndpointStmt = db.prepare('UPDATE webhook_endpoints SET disabled_at = ? WHERE org_id = ? AND id = ? AND disabled_at IS NULL');
    this.insertDeliveryStmt = db.prepare(
      `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_ms,
         last_status, last_error, created_at, delivered_at)
       VALUES (@id, @org_id, @endpoint_id, @event_id, @event_type, @payload, @status, @attempts, @next_attempt_ms,
         @last_status, @last_error, @created_at, @delivered_at)`,
    );
    // Claims the due deliveries for the lease (AXIRU_LEASE_MS): another server skips them (SKIP LOCKED,
    // then the moved next_attempt_ms); if this server dies before recording the attempt, they
    // are due again when the lease ends and a surviving server sends them.
    this.dueStmt = db.prepare(
      // Round-robin over organisations, as on SQLite: each one's oldest, then each one's second
      // oldest, … (the rank is taken in a subquery, since rows are locked only at the outer level).
      // `claimed_by` still set is a claim whose attempt was never recorded: its server died.
      `UPDATE webhook_deliveries w SET next_attempt_ms = @lease, claimed_by = @holder
       FROM (
         SELECT d.id, d.claimed_by AS previous FROM webhook_deliveries d JOIN (
           SELECT id, ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY next_attempt_ms, id) AS org_rank
           FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_ms <= @now
         ) due ON due.id = d.id
         WHERE d.status = 'pending' AND d.next_attempt_ms <= @now
         ORDER BY due.org_rank, d.next_attempt_ms, d.id LIMIT @limit FOR UPDATE OF d SKIP LOCKED) claimed
       WHERE w.id = claimed.id
       RETURNING w.id, w.org_id, w.endpoint_id, w.event_id, w.event_type, w.payload, w.status, w.attempts, w.next_attempt_ms,
         w.last_status, w.last_error, w.created_at, w.delivered_at, COALESCE(claimed.previous <> @holder, false) AS taken_over`);
    this.deliveriesStmt = db.prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE org_id = ? AND endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`);
    this.attemptStmt = db.prepare(
      `UPDATE webhook_deliveries SET status = @status, attempts = @attempts, next_attempt_ms = @next_attempt_ms,
         last_status = @last_status, last_error = @last_error, delivered_at = @delivered_at, claimed_by = NULL WHERE id = @id`);
  }

  async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.db.lockOrg(endpoint.org_id);
    await this.insertEndpointStmt.run({ ...endpoint, secret: this.secrets.seal(SETTINGS.webhookSecret, endpoint.secret), events: JSON.stringify(endpoint.events) });
  }

  async getEndpoint(orgId: string, id: string): Promise<WebhookEndpoint | null> {
    await this.db.lockOrg(orgId);
    return endpointFromRow(await this.getEndpointStmt.get(orgId, id) as EndpointRowText | undefined, this.secrets);
  }

  async listEndpoints(orgId: string): Promise<readonly WebhookEndpoint[]> {
    await this.db.lockOrg(orgId);
    return (await this.listEndpointsStmt.all(orgId) as EndpointRowText[]).map((row) => endpointFromRow(row, this.secrets) as WebhookEndpoint);
  }

  async disableEndpoint(orgId: string, id: string, at: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.disableEndpointStmt.run(at, orgId, id)).changes === 1;
  }

  async insertDelivery(delivery: WebhookDelivery): Promise<void> {
    await this.db.lockOrg(delivery.org_id);
    await this.insertDeliveryStmt.run(delivery);
  }

  async dueDeliveries(nowMs: number, limit: number, claim: DeliveryClaim): Promise<readonly ClaimedDelivery[]> {
    const claimed = await this.dueStmt.all({ now: nowMs, lease: nowMs + claim.leaseMs, holder: claim.holder, limit }) as ClaimedDelivery[];
    return claimed.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async deliveries(orgId: string, endpointId: string, limit: number): Promise<readonly WebhookDelivery[]> {
    await this.db.lockOrg(orgId);
    return await this.deliveriesStmt.all(orgId, endpointId, limit) as WebhookDelivery[];
  }

  async recordAttempt(
    id: string, update: Pick<WebhookDelivery, 'status' | 'attempts' | 'next_attempt_ms' | 'last_status' | 'last_error' | 'delivered_at'>,
  ): Promise<void> {
    await this.attemptStmt.run({ id, ...update });
  }
}
