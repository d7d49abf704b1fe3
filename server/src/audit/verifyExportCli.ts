// `axiru audit verify-export`: offline, with only the bundle and the trusted key file(s); no
// database and no server modules are loaded.

import { readFileSync } from 'node:fs';
import type { CliIo } from '../cli.js';
import { verifyBundleParallel } from './verifyBundleParallel.js';
import { parsePublicKeys, type SignedCheckpoint } from './checkpoint.js';

function fail(io: CliIo, message: string): void {
  io.err(`axiru: ${message}`);
  if (io.setStatus) io.setStatus(2);
  else process.exitCode = 2;
}

export async function auditVerifyExport(
  io: CliIo, bundle: string, options: { publicKey: string[]; checkpoint?: string[]; workers?: string },
): Promise<void> {
  const workers = options.workers === undefined ? undefined : Number(options.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) return fail(io, `--workers must be an integer from 0 to 64; got ${JSON.stringify(options.workers)}`);
  const keys = [];
  for (const file of options.publicKey) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return fail(io, `cannot read the public key file ${file}`);
    }
    let parsed;
    try {
      parsed = parsePublicKeys(text);
    } catch (error) {
      return fail(io, `${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (parsed.length === 0) return fail(io, `${file} holds no PEM public key`);
    keys.push(...parsed);
  }
  const held: SignedCheckpoint[] = [];
  for (const file of options.checkpoint ?? []) {
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint & { type?: string };
      const { type: _type, ...checkpoint } = value;
      held.push(checkpoint);
    } catch {
      return fail(io, `cannot read the checkpoint file ${file} (a checkpoint as JSON)`);
    }
  }
  let report;
  try {
    report = await verifyBundleParallel(bundle, { trustedKeys: keys, heldCheckpoints: held }, workers === undefined ? {} : { workers });
  } catch (error) {
    return fail(io, `cannot read ${bundle}: ${error instanceof Error ? error.message : String(error)}`);
  }
  io.out(JSON.stringify(report));
  if (!report.ok) {
    if (io.setStatus) io.setStatus(1);
    else process.exitCode = 1;
  }
}
