import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { SigningKeyRepository, SigningKeyRow } from '../auditTypes.js';

const COLUMNS = 'id, public_key, private_key, created_at, retired_at, endorsed_by, endorsement';

export class SqliteSigningKeyRepository implements SigningKeyRepository {
  private readonly currentStmt;
  private readonly listStmt;
  private readonly insertStmt;
  private readonly retireStmt;
  private readonly setPrivateKeyStmt;

  constructor(db: SqliteConnection) {
    this.currentStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_signing_keys ORDER BY created_at, rowid`);
    this.insertStmt = db.prepare(
      `INSERT INTO audit_signing_keys (${COLUMNS}) VALUES (@id, @public_key, @private_key, @created_at, @retired_at, @endorsed_by, @endorsement)`,
    );
    this.retireStmt = db.prepare('UPDATE audit_signing_keys SET retired_at = ? WHERE id = ? AND retired_at IS NULL');
    this.setPrivateKeyStmt = db.prepare('UPDATE audit_signing_keys SET private_key = ? WHERE id = ?');
  }

  async current(): Promise<SigningKeyRow | null> {
    return (this.currentStmt.get() as SigningKeyRow | undefined) ?? null;
  }

  async list(): Promise<readonly SigningKeyRow[]> {
    return this.listStmt.all() as SigningKeyRow[];
  }

  async insert(row: SigningKeyRow): Promise<void> {
    this.insertStmt.run(row);
  }

  async retire(id: string, at: string): Promise<void> {
    this.retireStmt.run(at, id);
  }

  async setPrivateKey(id: string, privateKeyPem: string): Promise<void> {
    this.setPrivateKeyStmt.run(privateKeyPem, id);
  }
}
