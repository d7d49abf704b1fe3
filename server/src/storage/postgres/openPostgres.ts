import postgres, { type Sql } from 'postgres';

export interface PostgresClientOptions {
  /** Connections in the pool. */
  readonly max?: number;
}

/** Redacts the password of a database URL (for messages and logs). */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/**
 * A pool of connections to the database at `url` (a libpq-style URL: several `host:port`
 * pairs and `target_session_attrs=read-write` follow a failover to the new primary).
 * BIGINT and NUMERIC come back as JavaScript numbers, as SQLite's integers do: every integer
 * Axiru stores (seqs, epoch milliseconds, minor units) is below 2^53.
 */
export function openPostgres(url: string, options: PostgresClientOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    // A connection to a primary that died is replaced rather than reused.
    idle_timeout: 60,
    connect_timeout: 10,
    types: {
      bigint: { to: 20, from: [20, 1700], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
    connection: { application_name: 'axiru' },
  });
}
