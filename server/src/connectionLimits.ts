// How long the server waits for slow clients and how many it holds at once. A client that
// sends its headers or body slowly (slowloris), or opens connections and sends nothing, holds
// one socket until one of these timeouts ends it; the connection cap bounds how many such
// sockets exist, so the others are served. server/README.md, "Limits and failure behaviour".

export interface ConnectionLimits {
  /** The request line and headers must arrive within this (AXIRU_HEADERS_TIMEOUT_MS). */
  readonly headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this (AXIRU_REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (AXIRU_KEEP_ALIVE_TIMEOUT_MS). */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (AXIRU_CONNECTION_TIMEOUT_MS). */
  readonly connectionTimeoutMs: number;
  /** Requests served on one connection before it is closed (0: no limit) (AXIRU_MAX_REQUESTS_PER_SOCKET). */
  readonly maxRequestsPerSocket: number;
  /** Open connections at most; further ones are closed at once (AXIRU_MAX_CONNECTIONS). */
  readonly maxConnections: number;
  /** How often the server looks for connections past their headers/request timeout. */
  readonly checkIntervalMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  // History uploads (POST /api/replays, up to 1 GiB) must also arrive within this.
  requestTimeoutMs: 120_000,
  // Longer than the usual 60 s idle timeout of load balancers, so they close first.
  keepAliveTimeoutMs: 72_000,
  // Above the 15 s heartbeat of GET /api/events, so an open event stream is never idle this long.
  connectionTimeoutMs: 120_000,
  maxRequestsPerSocket: 0,
  maxConnections: 10_000,
  checkIntervalMs: 1_000,
};

/** The fastify constructor options these limits set (maxConnections is set on the server). */
export function fastifyConnectionOptions(limits: ConnectionLimits) {
  return {
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
  };
}
