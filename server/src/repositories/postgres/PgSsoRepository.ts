import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { SsoFlow, SsoRepository, SsoSettings, UserRecord } from '../types.js';

interface SettingsRow extends Omit<SsoSettings, 'role_map' | 'enforce' | 'email_domains'> {
  readonly role_map: string;
  readonly enforce: number;
  readonly email_domains: string;
}

interface UserRowText extends Omit<UserRecord, 'roles'> {
  readonly roles: string;
}

export class PgSsoRepository implements SsoRepository {
  private readonly getStmt;
  private readonly putStmt;
  private readonly removeStmt;
  private readonly allStmt;
  private readonly insertFlowStmt;
  private readonly takeFlowStmt;
  private readonly purgeFlowsStmt;
  private readonly userStmt;
  private readonly updateUserStmt;

  constructor(private readonly db: PgConnection, private readonly secrets: SecretBox) {
    this.getStmt = db.prepare('SELECT * FROM sso_settings WHERE org_id = ?');
    this.putStmt = db.prepare(
      `INSERT INTO sso_settings (org_id, issuer, client_id, client_secret, groups_claim, role_map, enforce, email_domains, updated_at, updated_by)
       VALUES (@org_id, @issuer, @client_id, @client_secret, @groups_claim, @role_map, @enforce, @email_domains, @updated_at, @updated_by)
       ON CONFLICT (org_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id, client_secret = excluded.client_secret,
         groups_claim = excluded.groups_claim, role_map = excluded.role_map, enforce = excluded.enforce,
         email_domains = excluded.email_domains, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    this.removeStmt = db.prepare('DELETE FROM sso_settings WHERE org_id = ?');
    this.allStmt = db.prepare('SELECT * FROM sso_settings ORDER BY org_id');
    this.insertFlowStmt = db.prepare(
      'INSERT INTO sso_flows (state, org_id, code_verifier, nonce, redirect_uri, created_ms) VALUES (@state, @org_id, @code_verifier, @nonce, @redirect_uri, @created_ms)');
    this.takeFlowStmt = db.prepare('DELETE FROM sso_flows WHERE state = ? RETURNING *');
    this.purgeFlowsStmt = db.prepare('DELETE FROM sso_flows WHERE created_ms < ?');
    this.userStmt = db.prepare('SELECT * FROM users WHERE org_id = ? AND sso_issuer = ? AND sso_subject = ?');
    this.updateUserStmt = db.prepare(
      `UPDATE users SET sso_issuer = @issuer, sso_subject = @subject, email = @email, name = @name, roles = @roles
       WHERE org_id = @org_id AND id = @id`);
  }

  private fromRow(row: SettingsRow | undefined): SsoSettings | null {
    if (!row) return null;
    return {
      ...row,
      client_secret: this.secrets.open(SETTINGS.ssoClientSecret, row.client_secret),
      role_map: JSON.parse(row.role_map) as Record<string, string[]>,
      enforce: row.enforce === 1,
      email_domains: JSON.parse(row.email_domains) as string[],
    };
  }

  async get(orgId: string): Promise<SsoSettings | null> {
    await this.db.lockOrg(orgId);
    return this.fromRow(await this.getStmt.get(orgId) as SettingsRow | undefined);
  }

  async put(settings: SsoSettings): Promise<void> {
    await this.putStmt.run({
      ...settings,
      client_secret: this.secrets.seal(SETTINGS.ssoClientSecret, settings.client_secret),
      role_map: JSON.stringify(settings.role_map),
      enforce: settings.enforce ? 1 : 0,
      email_domains: JSON.stringify(settings.email_domains),
    });
  }

  async remove(orgId: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.removeStmt.run(orgId)).changes === 1;
  }

  async byEmailDomain(domain: string): Promise<readonly SsoSettings[]> {
    // Few organisations configure SSO; the list is read whole rather than indexed by domain.
    return (await this.allStmt.all() as SettingsRow[])
      .map((row) => this.fromRow(row)!)
      .filter((settings) => settings.email_domains.includes(domain));
  }

  async createFlow(flow: SsoFlow): Promise<void> {
    await this.insertFlowStmt.run({ ...flow, code_verifier: this.secrets.seal(SETTINGS.ssoCodeVerifier, flow.code_verifier) });
  }

  async takeFlow(state: string): Promise<SsoFlow | null> {
    const row = await this.takeFlowStmt.get(state) as SsoFlow | undefined;
    return row ? { ...row, code_verifier: this.secrets.open(SETTINGS.ssoCodeVerifier, row.code_verifier) } : null;
  }

  async purgeFlows(beforeMs: number): Promise<number> {
    return (await this.purgeFlowsStmt.run(beforeMs)).changes;
  }

  async userBySubject(orgId: string, issuer: string, subject: string): Promise<UserRecord | null> {
    await this.db.lockOrg(orgId);
    const row = await this.userStmt.get(orgId, issuer, subject) as UserRowText | undefined;
    return row ? { ...row, roles: JSON.parse(row.roles) as string[] } : null;
  }

  async updateFromIdentity(orgId: string, userId: string, identity: { issuer: string; subject: string; email: string; name: string; roles: readonly string[] }): Promise<void> {
    await this.updateUserStmt.run({ ...identity, roles: JSON.stringify(identity.roles), org_id: orgId, id: userId });
  }
}
