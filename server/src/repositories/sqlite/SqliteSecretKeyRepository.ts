import type { SecretKeyRow, SecretKeyStore } from '../../secrets/Keyring.js';
import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';

/** The wrapped data key (011_secrets_at_rest.sql). Synchronous: it is read while the database opens. */
export class SqliteSecretKeyRepository implements SecretKeyStore {
  private readonly currentStmt;
  private readonly insertStmt;
  private readonly rewrapStmt;

  constructor(db: SqliteConnection) {
    this.currentStmt = db.prepare('SELECT * FROM secret_keys ORDER BY created_at DESC, id DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO secret_keys (id, wrapped, kek_id, kek_source, kdf_salt, created_at, wrapped_at)
       VALUES (@id, @wrapped, @kek_id, @kek_source, @kdf_salt, @created_at, @wrapped_at)`);
    this.rewrapStmt = db.prepare(
      `UPDATE secret_keys SET wrapped = @wrapped, kek_id = @kek_id, kek_source = @kek_source, kdf_salt = @kdf_salt,
         wrapped_at = @wrapped_at WHERE id = @id AND kek_id = @from`);
  }

  current(): SecretKeyRow | null {
    return (this.currentStmt.get() as SecretKeyRow | undefined) ?? null;
  }

  insert(row: SecretKeyRow): void {
    this.insertStmt.run(row);
  }

  rewrap(id: string, fromKekId: string, row: Pick<SecretKeyRow, 'wrapped' | 'kek_id' | 'kek_source' | 'kdf_salt' | 'wrapped_at'>): boolean {
    return this.rewrapStmt.run({ ...row, id, from: fromKekId }).changes === 1;
  }
}
