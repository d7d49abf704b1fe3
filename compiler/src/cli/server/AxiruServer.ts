// The Axiru server as the CI commands (`axiru publish`, `axiru impact`) talk to it: Node's fetch,
// the admin key as a bearer token, and every way the conversation can fail turned into one
// sentence a person can act on. The key is never printed, not even back from the server.

import { UsageError } from '../readSource.js';

/** The server could not be used: unreachable, key refused, too old, or not an Axiru server. */
export class ServerUnusable extends Error {}

/** The server answered with an error the command reports as the input's problem (4xx). */
export class ServerRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body: ErrorBody,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field: string | null; readonly [extra: string]: unknown };
}

export interface Connection {
  readonly url: string;
  readonly key: string;
}

/** `--server` / `--key`, else AXIRU_URL / AXIRU_ADMIN_KEY; a usage error when either is missing. */
export function connectionOf(options: { server?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = options.server ?? env['AXIRU_URL'];
  const key = options.key ?? env['AXIRU_ADMIN_KEY'];
  if (!url) throw new UsageError('give the server\'s address with --server URL or AXIRU_URL (e.g. https://axiru.example.com)');
  if (!key) throw new UsageError('give an admin key with --key KEY or AXIRU_ADMIN_KEY');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--server \`${url}\` is not a URL (e.g. https://axiru.example.com)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--server \`${url}\` must be an http:// or https:// address`);
  }
  return { url: parsed.href.replace(/\/+$/, ''), key };
}

const TIMEOUT_MS = 120_000;

export class AxiruServer {
  constructor(private readonly connection: Connection) {}

  get url(): string {
    return this.connection.url;
  }

  /** The JSON answer of a 2xx; ServerRefused for a 4xx the caller may explain; ServerUnusable otherwise. */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const where = `${method} ${path}`;
    let response: Response;
    try {
      response = await fetch(`${this.connection.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.key}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServerUnusable(this.scrub(unreachable(this.connection.url, error)));
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      if (parsed === undefined) throw new ServerUnusable(`${this.connection.url} answered ${where} with something that is not JSON: is --server the address of an Axiru server?`);
      return { status: response.status, body: parsed as T };
    }
    const error = isErrorBody(parsed) ? parsed : null;
    const said = error ? this.scrub(error.error.message) : `HTTP ${response.status}`;
    if (response.status === 401) {
      throw new ServerUnusable(`the server at ${this.connection.url} refused the key (${said}): check --key / AXIRU_ADMIN_KEY`);
    }
    if (response.status === 403) {
      throw new ServerUnusable(`the key may not do this (${said}): publishing and impact need an admin key (--key / AXIRU_ADMIN_KEY)`);
    }
    if (!error) {
      throw new ServerUnusable(`${this.connection.url} answered ${where} with HTTP ${response.status} and no Axiru error: is --server the address of an Axiru server?`);
    }
    // An unknown route answers 404 with no field; a missing resource names the field it came from.
    if (response.status === 404 && error.error.field === null) {
      throw new ServerUnusable(`the server at ${this.connection.url} has no ${where}: it is older than this axiru command; upgrade the server`);
    }
    if (response.status >= 500) throw new ServerUnusable(`the server at ${this.connection.url} failed (HTTP ${response.status}: ${said})`);
    throw new ServerRefused(said, response.status, error.error.code, error);
  }

  /** Whatever the server says, the key is not repeated. */
  private scrub(text: string): string {
    return this.connection.key.length > 0 ? text.split(this.connection.key).join('***') : text;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return typeof error === 'object' && error !== null && typeof error['code'] === 'string' && typeof error['message'] === 'string';
}

function unreachable(url: string, error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `the Axiru server at ${url} did not answer within ${TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const why = cause?.code === 'ECONNREFUSED' ? 'connection refused'
    : cause?.code === 'ENOTFOUND' ? 'no such host'
      : cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `cannot reach the Axiru server at ${url} (${why}): is it running, and is --server / AXIRU_URL its address?`;
}
