// What the server knows about its storage: whether the last write failed for a reason of the
// disk (full, read-only, I/O error), and why. Writes fail closed with 503 storage_unavailable;
// /healthz reports the reason until a write succeeds again (the first commit after space is
// freed or the file system is writable again clears it, with no restart).

const REASONS: ReadonlyArray<[RegExp, string]> = [
  [/^SQLITE_FULL$|^ENOSPC$|^EDQUOT$/, 'the disk is full'],
  [/^SQLITE_READONLY|^EROFS$/, 'the file system is read-only'],
  [/^SQLITE_IOERR|^EIO$/, 'an I/O error'],
  [/^SQLITE_CANTOPEN$|^SQLITE_CORRUPT|^SQLITE_NOTADB$/, 'the database file cannot be used'],
  // PostgreSQL: the connection to the primary is gone (it died, or is being failed over), or
  // it is a standby that cannot take writes yet.
  [/^CONNECTION_(CLOSED|ENDED|DESTROYED)$|^CONNECT_TIMEOUT$|^QUEUE_TIMEOUT$|^QUERY_TIMEOUT$|^CANCEL_UNANSWERED$|^ECONNREFUSED$|^ECONNRESET$|^EPIPE$|^ETIMEDOUT$|^EHOSTUNREACH$|^ENETUNREACH$|^ENOTFOUND$|^EAI_AGAIN$|^08\d{3}$|^57P0[123]$/,
    'the database is unreachable'],
  [/^25006$/, 'the database is read-only (a standby)'],
];

function codeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/**
 * Connection losses after which a transaction whose COMMIT was already sent may have committed
 * (the answer was lost with the connection, or the primary died after flushing it): the client
 * must retry with its Idempotency-Key to learn which. A refused connection, a timeout before
 * connecting or a read-only standby committed nothing.
 */
const IN_DOUBT = /^CONNECTION_(CLOSED|DESTROYED)$|^ECONNRESET$|^EPIPE$|^08003$|^08006$|^57P0[123]$/;

export function outcomeInDoubt(error: unknown): boolean {
  const code = codeOf(error);
  return code !== null && IN_DOUBT.test(code);
}

/** "the disk is full (SQLITE_FULL)" for an error of the storage, else null. */
export function storageProblem(error: unknown): string | null {
  const code = codeOf(error);
  if (code === null) return null;
  const match = REASONS.find(([pattern]) => pattern.test(code));
  return match ? `${match[1]} (${code})` : null;
}

export class StorageHealth {
  private problem: { reason: string; since: string } | null = null;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Records a failed write; true when it was the storage's fault. */
  failed(error: unknown): boolean {
    const reason = storageProblem(error);
    if (reason === null) return false;
    if (this.problem?.reason !== reason) this.problem = { reason, since: this.clock().toISOString() };
    return true;
  }

  /** A write was committed: storage is fine again. */
  succeeded(): void {
    this.problem = null;
  }

  get status(): { readonly reason: string; readonly since: string } | null {
    return this.problem;
  }
}
