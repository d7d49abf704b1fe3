// The statements of the PostgreSQL repositories. They keep the SQLite repositories' SQL and
// placeholders (`?` in order, `@name` from an object), turned into `$n` once per text, so the
// two engines' queries read the same and differ only where the dialects do.

import type { Sql, TransactionSql } from 'postgres';

interface ParsedSql {
  readonly text: string;
  /** For `@name` placeholders: the name of each `$n`; null for positional `?`. */
  readonly names: readonly string[] | null;
}

const parsed = new Map<string, ParsedSql>();

function parse(sql: string): ParsedSql {
  const known = parsed.get(sql);
  if (known) return known;
  const names: string[] = [];
  let positional = 0;
  const text = sql.replace(/\?|@([a-z_][a-z0-9_]*)/gi, (match, name: string | undefined) => {
    if (match === '?') return `$${++positional}`;
    let index = names.indexOf(name!);
    if (index < 0) index = names.push(name!) - 1;
    return `$${index + 1}`;
  });
  if (positional > 0 && names.length > 0) throw new Error(`mixed placeholders in: ${sql}`);
  const result = { text, names: names.length > 0 ? names : null };
  parsed.set(sql, result);
  return result;
}

type Row = Record<string, unknown>;

/** One statement over whichever connection (pool or transaction) its PgConnection runs on. */
export class PgStatement {
  private plucked = false;

  constructor(private readonly connection: PgConnection, private readonly sql: ParsedSql) {}

  /** Rows come back as their first column's value. */
  pluck(): this {
    this.plucked = true;
    return this;
  }

  async all(...args: unknown[]): Promise<unknown[]> {
    const rows = await this.connection.query(this.sql.text, this.params(args));
    return this.plucked ? rows.map((row) => Object.values(row)[0]) : rows;
  }

  async get(...args: unknown[]): Promise<unknown> {
    const rows = await this.all(...args);
    return rows[0];
  }

  async run(...args: unknown[]): Promise<{ changes: number }> {
    const result = await this.connection.execute(this.sql.text, this.params(args));
    return { changes: result };
  }

  private params(args: readonly unknown[]): unknown[] {
    if (this.sql.names) {
      const values = (args[0] ?? {}) as Row;
      return this.sql.names.map((name) => {
        if (!(name in values)) throw new Error(`missing parameter @${name}`);
        return values[name] ?? null;
      });
    }
    return args.map((value) => value ?? null);
  }
}

/**
 * A connection for repositories: the pool (each statement on its own) or one transaction.
 * Inside a transaction, `lockOrg` takes the organisation's advisory lock once: every write
 * transaction touching an organisation holds it from its first read of that organisation's
 * rows until it commits, so the database orders each organisation's writes (one chain, no
 * forks; controls, approvals and idempotency keys read after the previous writer committed).
 */
export class PgConnection {
  private readonly locked = new Set<string>();
  private organisationsLocked = false;

  constructor(private readonly sql: Sql | TransactionSql, readonly inTransaction: boolean) {}

  prepare(text: string): PgStatement {
    return new PgStatement(this, parse(text));
  }

  async query(text: string, params: unknown[]): Promise<Row[]> {
    return await this.sql.unsafe(text, params as never[], { prepare: true }) as unknown as Row[];
  }

  /** Runs a statement; the number of rows it changed. */
  async execute(text: string, params: unknown[]): Promise<number> {
    const result = await this.sql.unsafe(text, params as never[], { prepare: true });
    return result.count;
  }

  /** Statements without parameters, `;`-separated. */
  async exec(text: string): Promise<void> {
    await this.sql.unsafe(text);
  }

  /** Serialises the transactions that list or create organisations (the demo is created once). */
  async lockOrganisations(): Promise<void> {
    if (!this.inTransaction || this.organisationsLocked) return;
    this.organisationsLocked = true;
    await this.sql.unsafe('SELECT pg_advisory_xact_lock($1, 0)', [ORGANISATIONS_LOCK_CLASS], { prepare: true });
  }

  async lockOrg(orgId: string): Promise<void> {
    if (!this.inTransaction || this.locked.has(orgId)) return;
    this.locked.add(orgId);
    await this.sql.unsafe('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ORG_LOCK_CLASS, orgId], { prepare: true });
  }
}

/** The first key of the two-key advisory locks on organisations (the second is the id's hash). */
export const ORG_LOCK_CLASS = 0x61786f72; // 'axor'
export const ORGANISATIONS_LOCK_CLASS = 0x61786f6c; // 'axol'
/** The lock the migrations and the first start's key creation run under. */
export const MIGRATION_LOCK = [0x61786d67, 0] as const; // 'axmg'
