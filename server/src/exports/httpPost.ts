import { retryAfterMs } from '../services/backoff.js';
import { DeliveryError } from './Sink.js';

export interface PostResult {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | null;
}

/** One POST; a network error or timeout becomes a DeliveryError (the deliverer retries it). */
export async function httpPost(url: string, headers: Record<string, string>, body: Buffer | string, timeoutMs: number): Promise<PostResult> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text().catch(() => '');
    return { status: response.status, body: text, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new DeliveryError(`POST ${new URL(url).origin}${new URL(url).pathname} failed: ${error instanceof Error ? error.message : String(error)}${cause}`.slice(0, 500));
  }
}

/** The DeliveryError for a refused request, honouring Retry-After on 429/503. */
export function refused(what: string, result: PostResult, detail: string): DeliveryError {
  return new DeliveryError(`${what} answered HTTP ${result.status}${detail ? `: ${detail}` : ''}`.slice(0, 500), retryAfterMs(result.retryAfter, Date.now()));
}
