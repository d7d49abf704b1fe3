import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { UserRecord, UserRepository } from '../types.js';

interface UserRowText extends Omit<UserRecord, 'roles'> {
  readonly roles: string;
}

function fromRow(row: UserRowText | undefined): UserRecord | null {
  return row ? { ...row, roles: JSON.parse(row.roles) as string[] } : null;
}

export class PgUserRepository implements UserRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly byHashStmt;
  private readonly bySlackStmt;
  private readonly byEmailStmt;
  private readonly listStmt;
  private readonly disableStmt;

  constructor(private readonly db: PgConnection) {
    this.insertStmt = db.prepare(
      `INSERT INTO users (id, org_id, email, name, roles, slack_user_id, key_hash, key_hint, created_at, disabled_at)
       VALUES (@id, @org_id, @email, @name, @roles, @slack_user_id, @key_hash, @key_hint, @created_at, @disabled_at)`,
    );
    this.getStmt = db.prepare('SELECT * FROM users WHERE org_id = ? AND id = ?');
    this.byHashStmt = db.prepare('SELECT * FROM users WHERE key_hash = ?');
    this.bySlackStmt = db.prepare('SELECT * FROM users WHERE org_id = ? AND slack_user_id = ? AND disabled_at IS NULL');
    this.byEmailStmt = db.prepare('SELECT * FROM users WHERE org_id = ? AND email = ?');
    this.listStmt = db.prepare('SELECT * FROM users WHERE org_id = ? ORDER BY created_at, id');
    this.disableStmt = db.prepare('UPDATE users SET disabled_at = ? WHERE org_id = ? AND id = ? AND disabled_at IS NULL');
  }

  async create(user: UserRecord): Promise<void> {
    await this.db.lockOrg(user.org_id);
    await this.insertStmt.run({ ...user, roles: JSON.stringify(user.roles) });
  }

  async get(orgId: string, id: string): Promise<UserRecord | null> {
    await this.db.lockOrg(orgId);
    return fromRow(await this.getStmt.get(orgId, id) as UserRowText | undefined);
  }

  async findByKeyHash(keyHash: string): Promise<UserRecord | null> {
    return fromRow(await this.byHashStmt.get(keyHash) as UserRowText | undefined);
  }

  async findBySlackId(orgId: string, slackUserId: string): Promise<UserRecord | null> {
    await this.db.lockOrg(orgId);
    return fromRow(await this.bySlackStmt.get(orgId, slackUserId) as UserRowText | undefined);
  }

  async findByEmail(orgId: string, email: string): Promise<UserRecord | null> {
    await this.db.lockOrg(orgId);
    return fromRow(await this.byEmailStmt.get(orgId, email) as UserRowText | undefined);
  }

  async list(orgId: string): Promise<readonly UserRecord[]> {
    await this.db.lockOrg(orgId);
    return (await this.listStmt.all(orgId) as UserRowText[]).map((row) => fromRow(row) as UserRecord);
  }

  async disable(orgId: string, id: string, at: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.disableStmt.run(at, orgId, id)).changes === 1;
  }
}
