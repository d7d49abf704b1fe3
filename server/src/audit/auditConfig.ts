import { ConfigError } from '../config.js';

export interface AuditConfig {
  /** A checkpoint at every multiple of this many records (AXIRU_AUDIT_CHECKPOINT_RECORDS, default 1000). */
  readonly checkpointRecords: number;
  /** A checkpoint once new records waited this long (AXIRU_AUDIT_CHECKPOINT_SECONDS, default 60). */
  readonly checkpointIntervalMs: number;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 1_000_000_000) {
    throw new ConfigError(`${name} must be an integer from 1 to 1000000000; got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * AXIRU_SIGNING_KEY_PASSPHRASE: when set, checkpoint signing keys are stored encrypted with it
 * (signingKeys.ts), so a copy of the database alone cannot sign. Null when unset.
 */
export function signingKeyPassphrase(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env['AXIRU_SIGNING_KEY_PASSPHRASE'];
  if (value === undefined || value === '') return null;
  if (value.length < 12) throw new ConfigError('AXIRU_SIGNING_KEY_PASSPHRASE must be at least 12 characters long');
  return value;
}

export function resolveAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  return {
    checkpointRecords: positiveInteger(env, 'AXIRU_AUDIT_CHECKPOINT_RECORDS', 1000),
    checkpointIntervalMs: positiveInteger(env, 'AXIRU_AUDIT_CHECKPOINT_SECONDS', 60) * 1000,
  };
}
