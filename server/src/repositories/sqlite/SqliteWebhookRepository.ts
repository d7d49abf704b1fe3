import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { ClaimedDelivery, DeliveryClaim, WebhookDelivery, WebhookEndpoint, WebhookRepository } from '../types.js';

import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';

interface EndpointRowText extends Omit<WebhookEndpoint, 'events'> {
  readonly events: string;
}

function endpointFromRow(row: EndpointRowText | undefined, secrets: SecretBox): WebhookEndpoint | null {
  return row ? { ...row, secret: secrets.open(SETTINGS.webhookSecret, row.secret), events: JSON.parse(row.events) as string[] } : null;
}

const DELIVERY_COLUMNS = `d.id, d.org_id, d.endpoint_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_ms,
  d.last_status, d.last_error, d.created_at, d.delivered_at`;

export class SqliteWebhookRepository implements WebhookRepository {
  private readonly insertEndpointStmt;
  private readonly getEndpointStmt;
  private readonly listEndpointsStmt;
  private readonly disableEndpointStmt;
  private readonly insertDeliveryStmt;
  private readonly dueStmt;
  private readonly deliveriesStmt;
  private readonly attemptStmt;

  constructor(db: SqliteConnection, private readonly secrets: SecretBox) {
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
    this.dueStmt = db.prepare(
      // Round-robin over organisations (each one's oldest, then each one's second oldest, …), so
      // one organisation's backlog cannot keep another's deliveries out of a run.
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN (
         SELECT id, ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY next_attempt_ms, id) AS org_rank
         FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_ms <= ?
       ) due ON due.id = d.id
       ORDER BY due.org_rank, d.next_attempt_ms, d.id LIMIT ?`);
    this.deliveriesStmt = db.prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE org_id = ? AND endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`);
    this.attemptStmt = db.prepare(
      `UPDATE webhook_deliveries SET status = @status, attempts = @attempts, next_attempt_ms = @next_attempt_ms,
         last_status = @last_status, last_error = @last_error, delivered_at = @delivered_at WHERE id = @id`);
  }

  async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    this.insertEndpointStmt.run({ ...endpoint, secret: this.secrets.seal(SETTINGS.webhookSecret, endpoint.secret), events: JSON.stringify(endpoint.events) });
  }

  async getEndpoint(orgId: string, id: string): Promise<WebhookEndpoint | null> {
    return endpointFromRow(this.getEndpointStmt.get(orgId, id) as EndpointRowText | undefined, this.secrets);
  }

  async listEndpoints(orgId: string): Promise<readonly WebhookEndpoint[]> {
    return (this.listEndpointsStmt.all(orgId) as EndpointRowText[]).map((row) => endpointFromRow(row, this.secrets) as WebhookEndpoint);
  }

  async disableEndpoint(orgId: string, id: string, at: string): Promise<boolean> {
    return this.disableEndpointStmt.run(at, orgId, id).changes === 1;
  }

  async insertDelivery(delivery: WebhookDelivery): Promise<void> {
    this.insertDeliveryStmt.run(delivery);
  }

  // One process: no other server claims deliveries, so nothing is marked as claimed here.
  async dueDeliveries(nowMs: number, limit: number, _claim: DeliveryClaim): Promise<readonly ClaimedDelivery[]> {
    return (this.dueStmt.all(nowMs, limit) as WebhookDelivery[]).map((row) => ({ ...row, taken_over: false }));
  }

  async deliveries(orgId: string, endpointId: string, limit: number): Promise<readonly WebhookDelivery[]> {
    return this.deliveriesStmt.all(orgId, endpointId, limit) as WebhookDelivery[];
  }

  async recordAttempt(
    id: string, update: Pick<WebhookDelivery, 'status' | 'attempts' | 'next_attempt_ms' | 'last_status' | 'last_error' | 'delivered_at'>,
  ): Promise<void> {
    this.attemptStmt.run({ id, ...update });
  }
}
