import { localTimeFacts } from '@axiru/runtime';
import type { Io } from '../Io.js';
import { readLists } from '../readLists.js';
import { readSource, UsageError } from '../readSource.js';
import { loadPolicyFile } from './loadPolicyFile.js';

/**
 * `local_time` and `weekday` from the input's `received_at` (ISO 8601 with an offset), in the
 * policy's time zone, unless the input gives them itself — as the server derives them.
 */
function addLocalTime(request: Record<string, unknown>, timeZone: string): void {
  const receivedAt = request['received_at'];
  if (receivedAt === undefined || (request['local_time'] !== undefined && request['weekday'] !== undefined)) return;
  const instant = typeof receivedAt === 'string' && /(Z|[+-]\d\d:?\d\d)$/i.test(receivedAt) ? Date.parse(receivedAt) : Number.NaN;
  if (!Number.isFinite(instant)) {
    throw new UsageError(`received_at must be an ISO 8601 instant with an offset, like "2026-03-10T14:30:00+01:00", got ${JSON.stringify(receivedAt)}`);
  }
  const local = localTimeFacts(instant, timeZone);
  request['local_time'] ??= local.local_time;
  request['weekday'] ??= local.weekday;
}

/**
 * `axiru eval POLICY --input JSON [--lists FILE.json] [--explain]`: prints `{ "decision": {...} }`.
 * JSON is inline, `@file.json`, or `-` for standard input. Lists from `--lists` join the input's
 * own `lists` (the file wins for a name in both); an input `received_at` gives `local_time` and
 * `weekday` in the policy's time zone.
 */
export function evalCommand(policyPath: string, options: { input: string; explain?: boolean; lists?: string }, io: Io): number {
  const raw = options.input === '-' ? io.readStdin() : options.input.startsWith('@') ? readSource(options.input.slice(1)) : options.input;
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new UsageError('--input must be a JSON object of decision request fields, e.g. {"amount_cents": 22000, "source": "support_tool"}');
  }
  const lists = options.lists === undefined ? undefined : readLists(options.lists);
  const policy = loadPolicyFile(policyPath, io);
  if (!policy) return 1;
  const request = { ...(input as Record<string, unknown>) };
  if (lists !== undefined) {
    const given = request['lists'];
    request['lists'] = { ...(typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {}), ...lists };
  }
  addLocalTime(request, policy.ir.timezone ?? 'UTC');
  if (options.explain) {
    const { decision, rules, why } = policy.explain(request);
    io.out(JSON.stringify({ decision, explanation: { why, rules } }, null, 2));
  } else {
    io.out(JSON.stringify({ decision: policy.decide(request) }, null, 2));
  }
  return 0;
}
