// SQL of the ledger shared by both engines (PgConnection rewrites `?` to `$n`).

export const RECORD_COLUMNS = 'org_id, seq, kind, intent_id, time, actor, body, prev_hash, hash';

/** Record kinds are lower-case words (record.ts), so they can be written into SQL as literals. */
const KIND = /^[a-z_]+$/;

/**
 * The envelope scan: the records after a seq, with the body only for `bodyKinds` (a literal
 * list, so each distinct set is one prepared statement).
 */
export function envelopeScanSql(bodyKinds: readonly string[]): string {
  for (const kind of bodyKinds) {
    if (!KIND.test(kind)) throw new Error(`not a record kind: ${JSON.stringify(kind)}`);
  }
  const body = bodyKinds.length === 0
    ? 'NULL AS body'
    : `CASE WHEN kind IN (${bodyKinds.map((kind) => `'${kind}'`).join(', ')}) THEN body END AS body`;
  return `SELECT org_id, seq, kind, intent_id, time, actor, ${body}, prev_hash, hash
    FROM ledger WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?`;
}

/** The envelope scan's statement for each set of kinds, prepared once per set. */
export function envelopeStatements<S>(prepare: (sql: string) => S): (bodyKinds: readonly string[]) => S {
  const statements = new Map<string, S>();
  return (bodyKinds) => {
    const key = bodyKinds.join(',');
    let statement = statements.get(key);
    if (statement === undefined) {
      statement = prepare(envelopeScanSql(bodyKinds));
      statements.set(key, statement);
    }
    return statement;
  };
}
