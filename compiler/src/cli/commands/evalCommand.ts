import type { Io } from '../Io.js';
import { readSource, UsageError } from '../readSource.js';
import { loadPolicyFile } from './loadPolicyFile.js';

/**
 * `axiru eval POLICY --input JSON [--explain]`: prints `{ "decision": {...} }`.
 * JSON is inline, `@file.json`, or `-` for standard input.
 */
export function evalCommand(policyPath: string, options: { input: string; explain?: boolean }, io: Io): number {
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
  const policy = loadPolicyFile(policyPath, io);
  if (!policy) return 1;
  const request = input as Record<string, unknown>;
  if (options.explain) {
    const { decision, rules, why } = policy.explain(request);
    io.out(JSON.stringify({ decision, explanation: { why, rules } }, null, 2));
  } else {
    io.out(JSON.stringify({ decision: policy.decide(request) }, null, 2));
  }
  return 0;
}
