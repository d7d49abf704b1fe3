import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConfiguredSink } from './exports/ExportService.js';
import { parseConfigLine, SinkConfigError } from './exports/sinkConfig.js';
import type { EmailSettings } from './services/email.js';
import { LOG_FORMATS, type LogFormat } from './logFormat.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connectionLimits.js';
import { DEFAULT_RATE_LIMITS, parseLimits, RateLimitsError, type RateLimits } from './services/rateLimits.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  /** PostgreSQL instead of SQLite in the data folder (--database-url, AXIRU_DATABASE_URL). */
  readonly databaseUrl?: string | undefined;
  readonly logLevel: LogLevel;
  /** Readable lines on a terminal, JSON otherwise (AXIRU_LOG_FORMAT). */
  readonly logFormat: LogFormat;
  /** Most decisions sealed in one transaction. */
  readonly maxBatch: number;
  /** Most decisions of one organisation in one transaction (fair share; AXIRU_MAX_BATCH_PER_ORG). */
  readonly maxBatchPerOrg?: number;
  /** Milliseconds between background WAL checkpoints (0: never). */
  readonly checkpointIntervalMs: number;
  /** Protects GET /metrics when set. */
  readonly metricsToken: string | undefined;
  /** Export sinks from the config file (`--config` / AXIRU_CONFIG). */
  readonly exports?: readonly ConfiguredSink[];
  /** Milliseconds between looks for records to export (AXIRU_EXPORT_POLL_MS). */
  readonly exportPollMs?: number;
  /** First export retry delay in ms, doubling (AXIRU_EXPORT_RETRY_MS). */
  readonly exportRetryBaseMs?: number;
  /** Approval requests by email (AXIRU_SMTP_URL, AXIRU_EMAIL_FROM, AXIRU_PUBLIC_URL). */
  readonly email?: EmailSettings | undefined;
  /** AXIRU_PUBLIC_URL: where browsers reach the dashboard (links, the SSO redirect URI). */
  readonly publicUrl?: string | undefined;
  /** Rate-limit defaults of every organisation (AXIRU_RATE_LIMITS over DEFAULT_RATE_LIMITS). */
  readonly rateLimits?: RateLimits;
  /** Timeouts for slow clients and the connection cap (AXIRU_*_TIMEOUT_MS, AXIRU_MAX_CONNECTIONS…). */
  readonly connectionLimits?: ConnectionLimits;
}

/** Values given on the command line; each wins over its AXIRU_* variable. */
export interface ConfigFlags {
  readonly port?: string | number | undefined;
  readonly host?: string | undefined;
  readonly data?: string | undefined;
  /** A postgres:// URL (env AXIRU_DATABASE_URL). */
  readonly databaseUrl?: string | undefined;
  readonly logLevel?: string | undefined;
  /** A JSON config file (env AXIRU_CONFIG). */
  readonly config?: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(value: string | number, name: string, min: number, max: number): number {
  const text = String(value).trim();
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < min || number > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(String(value))}`);
  }
  return number;
}

/** --database-url, else AXIRU_DATABASE_URL: a postgres:// or postgresql:// URL, or nothing (SQLite). */
export function databaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const setting = flag !== undefined ? '--database-url' : 'AXIRU_DATABASE_URL';
  const value = flag ?? env['AXIRU_DATABASE_URL'];
  if (value === undefined || value.trim() === '') {
    if (flag !== undefined) throw new ConfigError('--database-url must not be empty');
    return undefined;
  }
  if (!/^postgres(ql)?:\/\/[^\s]+$/.test(value.trim())) {
    throw new ConfigError(`${setting} must be a PostgreSQL URL, postgres://user:password@host:port/database (several host:port pairs and `
      + `?target_session_attrs=read-write for failover); got ${JSON.stringify(value.replace(/:[^:@/]*@/, ':***@'))}`);
  }
  return value.trim();
}

/** AXIRU_LOG_FORMAT (json or pretty) when set, otherwise pretty exactly when standard output is a terminal. */
function logFormat(setting: string | undefined, stdoutIsTTY: boolean): LogFormat {
  if (setting === undefined || setting.trim() === '') return stdoutIsTTY ? 'pretty' : 'json';
  const format = setting.trim().toLowerCase();
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`AXIRU_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}; got ${JSON.stringify(setting)}`);
  }
  return format as LogFormat;
}

/**
 * Flags, then AXIRU_* environment variables, then defaults. Invalid values are errors that
 * name the setting, never silently replaced by a default.
 */
export function resolveConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, stdoutIsTTY = process.stdout.isTTY === true): ServerConfig {
  const port = integer(flags.port ?? env['AXIRU_PORT'] ?? 4000, flags.port !== undefined ? '--port' : 'AXIRU_PORT', 0, 65535);
  const host = flags.host ?? env['AXIRU_HOST'] ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('the host must not be empty');
  const logLevel = (flags.logLevel ?? env['AXIRU_LOG_LEVEL'] ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`the log level must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(logLevel)}`);
  }
  return {
    port,
    host,
    dataDir: resolve(flags.data ?? env['AXIRU_DATA'] ?? './axiru-data'),
    databaseUrl: databaseUrl(flags.databaseUrl, env),
    logLevel: logLevel as LogLevel,
    logFormat: logFormat(env['AXIRU_LOG_FORMAT'], stdoutIsTTY),
    maxBatch: integer(env['AXIRU_MAX_BATCH'] ?? 256, 'AXIRU_MAX_BATCH', 1, 10_000),
    ...(env['AXIRU_MAX_BATCH_PER_ORG'] !== undefined
      ? { maxBatchPerOrg: integer(env['AXIRU_MAX_BATCH_PER_ORG'], 'AXIRU_MAX_BATCH_PER_ORG', 1, 10_000) } : {}),
    checkpointIntervalMs: integer(env['AXIRU_CHECKPOINT_INTERVAL_MS'] ?? 100, 'AXIRU_CHECKPOINT_INTERVAL_MS', 0, 3_600_000),
    metricsToken: env['AXIRU_METRICS_TOKEN'] || undefined,
    exports: readConfigFile(flags.config ?? env['AXIRU_CONFIG'], flags.config !== undefined ? '--config' : 'AXIRU_CONFIG'),
    exportPollMs: integer(env['AXIRU_EXPORT_POLL_MS'] ?? 1000, 'AXIRU_EXPORT_POLL_MS', 0, 3_600_000),
    exportRetryBaseMs: integer(env['AXIRU_EXPORT_RETRY_MS'] ?? 1000, 'AXIRU_EXPORT_RETRY_MS', 1, 3_600_000),
    email: emailConfig(env),
    publicUrl: env['AXIRU_PUBLIC_URL']?.trim() || undefined,
    rateLimits: rateLimitsConfig(env['AXIRU_RATE_LIMITS']),
    connectionLimits: connectionLimitsConfig(env),
  };
}

function connectionLimitsConfig(env: Readonly<Record<string, string | undefined>>): ConnectionLimits {
  const d = DEFAULT_CONNECTION_LIMITS;
  const ms = (name: string, fallback: number) => integer(env[name] ?? fallback, name, 1, 3_600_000);
  if (ms('AXIRU_HEADERS_TIMEOUT_MS', d.headersTimeoutMs) > ms('AXIRU_REQUEST_TIMEOUT_MS', d.requestTimeoutMs)) {
    throw new ConfigError('AXIRU_HEADERS_TIMEOUT_MS must not exceed AXIRU_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  return {
    headersTimeoutMs: ms('AXIRU_HEADERS_TIMEOUT_MS', d.headersTimeoutMs),
    requestTimeoutMs: ms('AXIRU_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    keepAliveTimeoutMs: ms('AXIRU_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs),
    connectionTimeoutMs: ms('AXIRU_CONNECTION_TIMEOUT_MS', d.connectionTimeoutMs),
    maxRequestsPerSocket: integer(env['AXIRU_MAX_REQUESTS_PER_SOCKET'] ?? d.maxRequestsPerSocket, 'AXIRU_MAX_REQUESTS_PER_SOCKET', 0, 1_000_000),
    maxConnections: integer(env['AXIRU_MAX_CONNECTIONS'] ?? d.maxConnections, 'AXIRU_MAX_CONNECTIONS', 1, 1_000_000),
    checkIntervalMs: Math.min(d.checkIntervalMs, ms('AXIRU_HEADERS_TIMEOUT_MS', d.headersTimeoutMs)),
  };
}

/** AXIRU_RATE_LIMITS: a JSON object with any of the limits, e.g. {"decision_per_key":{"rate_per_second":50,"burst":100}}. */
function rateLimitsConfig(text: string | undefined): RateLimits {
  if (text === undefined || text.trim() === '') return DEFAULT_RATE_LIMITS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`AXIRU_RATE_LIMITS is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return { ...DEFAULT_RATE_LIMITS, ...parseLimits(parsed, 'AXIRU_RATE_LIMITS') };
  } catch (error) {
    if (error instanceof RateLimitsError) throw new ConfigError(`AXIRU_RATE_LIMITS: ${error.message}`);
    throw error;
  }
}

/** AXIRU_SMTP_URL turns approval emails on; AXIRU_EMAIL_FROM and AXIRU_PUBLIC_URL shape them. */
function emailConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig['email'] {
  const smtpUrl = env['AXIRU_SMTP_URL']?.trim();
  const publicUrl = env['AXIRU_PUBLIC_URL']?.trim() || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) {
    throw new ConfigError(`AXIRU_PUBLIC_URL must be the dashboard's http(s) URL, such as https://axiru.example.com; got ${JSON.stringify(publicUrl)}`);
  }
  if (!smtpUrl) return undefined;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new ConfigError(`AXIRU_SMTP_URL must be a URL such as smtp://user:password@mail.example.com:587; got ${JSON.stringify(smtpUrl.replace(/\/\/[^@/]*@/, '//…@'))}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError(`AXIRU_SMTP_URL must start with smtp:// or smtps://; got ${url.protocol}//`);
  }
  const from = env['AXIRU_EMAIL_FROM']?.trim() || 'Axiru <axiru@localhost>';
  return { smtpUrl, from, publicUrl };
}

/** Top-level sections of the config file. */
const CONFIG_SECTIONS = ['exports'];

/**
 * The server's JSON config file: `{ "exports": [ <one sink per line>, … ] }` (server/README.md,
 * "Exports"). Relative paths in it are relative to the file. Any mistake names the setting.
 */
function readConfigFile(path: string | undefined, setting: string): readonly ConfiguredSink[] {
  if (path === undefined || path.trim() === '') return [];
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${setting}: ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`${setting}: ${file} must hold a JSON object`);
  for (const key of Object.keys(parsed)) {
    if (!CONFIG_SECTIONS.includes(key)) throw new ConfigError(`${file}: unknown section "${key}"; known: ${CONFIG_SECTIONS.join(', ')}`);
  }
  const lines = (parsed as { exports?: unknown }).exports ?? [];
  if (!Array.isArray(lines)) throw new ConfigError(`${file}: "exports" must be an array of sinks`);
  try {
    return lines.map((line, index) => parseConfigLine(line, index, dirname(file)));
  } catch (error) {
    if (error instanceof SinkConfigError) throw new ConfigError(`${file}: ${error.message}`);
    throw error;
  }
}
