import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/connectionLimits.js';
import { DEFAULT_RATE_LIMITS } from '../../src/services/rateLimits.js';

// The limits' settings: AXIRU_RATE_LIMITS and the connection timeouts, defaults and mistakes.

describe('limit settings', () => {
  it('defaults to the documented limits', () => {
    const config = resolveConfig({}, {});
    expect(config.rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(config.connectionLimits).toEqual(DEFAULT_CONNECTION_LIMITS);
  });

  it('reads AXIRU_RATE_LIMITS over the defaults, one limit at a time', () => {
    const config = resolveConfig({}, { AXIRU_RATE_LIMITS: '{"decision_per_org":{"rate_per_second":300,"burst":600}}' });
    expect(config.rateLimits).toEqual({ ...DEFAULT_RATE_LIMITS, decision_per_org: { rate_per_second: 300, burst: 600 } });
  });

  it('names the setting and the member in every mistake', () => {
    expect(() => resolveConfig({}, { AXIRU_RATE_LIMITS: '{' })).toThrow(/AXIRU_RATE_LIMITS is not valid JSON/);
    expect(() => resolveConfig({}, { AXIRU_RATE_LIMITS: '{"decisions":{}}' })).toThrow(/AXIRU_RATE_LIMITS: .*unknown limit "decisions"/);
    expect(() => resolveConfig({}, { AXIRU_RATE_LIMITS: '{"admin_per_key":{"rate_per_second":0,"burst":1}}' })).toThrow(/admin_per_key\.rate_per_second must be a number from 0\.01/);
    expect(() => resolveConfig({}, { AXIRU_RATE_LIMITS: '{"admin_per_key":{"rate_per_second":1,"burst":1.5}}' })).toThrow(ConfigError);
  });

  it('reads the timeouts and the connection cap', () => {
    const config = resolveConfig({}, { AXIRU_HEADERS_TIMEOUT_MS: '500', AXIRU_REQUEST_TIMEOUT_MS: '2000', AXIRU_MAX_CONNECTIONS: '50', AXIRU_KEEP_ALIVE_TIMEOUT_MS: '900' });
    expect(config.connectionLimits).toMatchObject({ headersTimeoutMs: 500, requestTimeoutMs: 2000, maxConnections: 50, keepAliveTimeoutMs: 900, checkIntervalMs: 500 });
    expect(() => resolveConfig({}, { AXIRU_HEADERS_TIMEOUT_MS: '5000', AXIRU_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/must not exceed AXIRU_REQUEST_TIMEOUT_MS/);
    expect(() => resolveConfig({}, { AXIRU_MAX_CONNECTIONS: '0' })).toThrow(/AXIRU_MAX_CONNECTIONS must be an integer from 1/);
  });
});
