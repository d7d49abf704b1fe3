import { resolve } from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Most decisions sealed in one transaction. */
  readonly maxBatch: number;
  /** Milliseconds between background WAL checkpoints (0: never). */
  readonly checkpointIntervalMs: number;
  /** Protects GET /metrics when set. */
  readonly metricsToken: string | undefined;
}

/** Values given on the command line; each wins over its AXIRU_* variable. */
export interface ConfigFlags {
  readonly port?: string | number | undefined;
  readonly host?: string | undefined;
  readonly data?: string | undefined;
  readonly logLevel?: string | undefined;
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

/**
 * Flags, then AXIRU_* environment variables, then defaults. Invalid values are errors that
 * name the setting, never silently replaced by a default.
 */
export function resolveConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
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
    logLevel: logLevel as LogLevel,
    maxBatch: integer(env['AXIRU_MAX_BATCH'] ?? 256, 'AXIRU_MAX_BATCH', 1, 10_000),
    checkpointIntervalMs: integer(env['AXIRU_CHECKPOINT_INTERVAL_MS'] ?? 100, 'AXIRU_CHECKPOINT_INTERVAL_MS', 0, 3_600_000),
    metricsToken: env['AXIRU_METRICS_TOKEN'] || undefined,
  };
}
