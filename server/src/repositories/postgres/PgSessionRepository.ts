import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { InviteRow, SessionRepository, SessionRow, UserRecord } from '../types.js';

interface CredentialRow extends Omit<UserRecord, 'roles'> {
  readonly roles: string;
  readonly password_hash: string | null;
}

export class PgSessionRepository implements SessionRepository {
  private readonly byEmailStmt;
  private readonly setPasswordStmt;
  private readonly insertStmt;
  private readonly getStmt;
  private readonly touchStmt;
  private readonly deleteStmt;
  private readonly deleteForUserStmt;
  private readonly purgeStmt;
  private readonly insertInviteStmt;
  private readonly getInviteStmt;
  private readonly useInviteStmt;

  constructor(private readonly db: PgConnection) {
    this.byEmailStmt = db.prepare('SELECT * FROM users WHERE email = ? AND disabled_at IS NULL ORDER BY created_at, id');
    this.setPasswordStmt = db.prepare('UPDATE users SET password_hash = ? WHERE org_id = ? AND id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (token_hash, org_id, user_id, csrf_token, created_ms, last_seen_ms, expires_ms, method)
       VALUES (@token_hash, @org_id, @user_id, @csrf_token, @created_ms, @last_seen_ms, @expires_ms, @method)`,
    );
    this.getStmt = db.prepare('SELECT * FROM sessions WHERE token_hash = ?');
    this.touchStmt = db.prepare('UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?');
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
    this.deleteForUserStmt = db.prepare('DELETE FROM sessions WHERE org_id = ? AND user_id = ?');
    this.purgeStmt = db.prepare('DELETE FROM sessions WHERE expires_ms <= ? OR last_seen_ms <= ?');
    this.insertInviteStmt = db.prepare(
      `INSERT INTO invites (token_hash, org_id, user_id, created_by, created_ms, expires_ms, used_ms)
       VALUES (@token_hash, @org_id, @user_id, @created_by, @created_ms, @expires_ms, @used_ms)`,
    );
    this.getInviteStmt = db.prepare('SELECT * FROM invites WHERE token_hash = ?');
    this.useInviteStmt = db.prepare('UPDATE invites SET used_ms = ? WHERE token_hash = ? AND used_ms IS NULL');
  }

  async credentialsByEmail(email: string) {
    return (await this.byEmailStmt.all(email) as CredentialRow[]).map(({ password_hash, roles, ...rest }) => ({
      user: { ...rest, roles: JSON.parse(roles) as string[] },
      password_hash,
    }));
  }

  async setPassword(orgId: string, userId: string, passwordHash: string): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setPasswordStmt.run(passwordHash, orgId, userId);
  }

  async create(session: SessionRow): Promise<void> {
    await this.insertStmt.run({ ...session, method: session.method ?? 'password' });
  }

  async get(tokenHash: string): Promise<SessionRow | null> {
    return (await this.getStmt.get(tokenHash) as SessionRow | undefined) ?? null;
  }

  async touch(tokenHash: string, lastSeenMs: number): Promise<void> {
    await this.touchStmt.run(lastSeenMs, tokenHash);
  }

  async delete(tokenHash: string): Promise<void> {
    await this.deleteStmt.run(tokenHash);
  }

  async deleteForUser(orgId: string, userId: string): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.deleteForUserStmt.run(orgId, userId);
  }

  async purge(nowMs: number, idleMs: number): Promise<number> {
    return (await this.purgeStmt.run(nowMs, nowMs - idleMs)).changes;
  }

  async createInvite(invite: InviteRow): Promise<void> {
    await this.insertInviteStmt.run(invite);
  }

  async getInvite(tokenHash: string): Promise<InviteRow | null> {
    return (await this.getInviteStmt.get(tokenHash) as InviteRow | undefined) ?? null;
  }

  async useInvite(tokenHash: string, atMs: number): Promise<boolean> {
    return (await this.useInviteStmt.run(atMs, tokenHash)).changes === 1;
  }
}
