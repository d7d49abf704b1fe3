import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundleFile, type BundleReport, type VerifyOptions } from '../../src/audit/BundleVerifier.js';
import type { SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { recordLine } from '../../src/audit/recordLine.js';
import { KINDS, mutate } from './bundleMutations.js';
import { bundleKey, bundleOf, checkpointAt, plainContent, seal } from './sealedBundle.js';

// verifyBundleParallel hands whole runs of records to the verifier, cut where workers' blocks,
// checkpoints and held checkpoints fall; its reports must be verifyBundleFile's, line for line,
// with blocks smaller than a line, a few lines, and the whole bundle. Workers run the built
// modules (`npx tsc -b` first).

type Parallel = typeof import('../../src/audit/verifyBundleParallel.js');
let verifyBundleParallel: Parallel['verifyBundleParallel'];

const dir = mkdtempSync(join(tmpdir(), 'axiru-parallel-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const built = new URL('../../dist/audit/verifyBundleParallel.js', import.meta.url);
  const module = await import(built.href) as Parallel;
  expect(module.parallelVerificationAvailable()).toBe(true);
  verifyBundleParallel = module.verifyBundleParallel;
});

// Records with a checkpoint every 8, and some the fast check leaves to the strict one.
const records = seal(Array.from({ length: 150 }, (_, i) => (i % 37 === 5 ? { ...plainContent(i), actor: 'user:"quoted"' } : plainContent(i))));
const bundle = bundleOf(records);
const head = checkpointAt(records, records.length);
const BLOCK_SIZES = [100, 700, 4096, 1 << 20];
const options = (heldCheckpoints: SignedCheckpoint[] = [head], strict = false): VerifyOptions => ({ trustedKeys: [bundleKey.publicKey], heldCheckpoints, strict });

let files = 0;
/** Both verifiers' reports on `bytes` (the parallel one for each block size and worker count). */
async function reports(bytes: Buffer, verify: VerifyOptions, workers = [2], blockSizes = BLOCK_SIZES): Promise<{ file: BundleReport; parallel: BundleReport[] }> {
  const file = join(dir, `bundle-${files++}.jsonl`);
  writeFileSync(file, bytes);
  const parallel: BundleReport[] = [];
  for (const blockBytes of blockSizes) {
    for (const count of workers) parallel.push(await verifyBundleParallel(file, verify, { workers: count, blockBytes }));
  }
  return { file: verifyBundleFile(file, verify), parallel };
}

describe('verifyBundleParallel', () => {
  it('accepts a good bundle with the report verifyBundleFile gives, on 1 to 3 workers', async () => {
    const { file, parallel } = await reports(bundle, options(), [1, 2, 3]);
    expect(file).toMatchObject({ ok: true, records: records.length, checkpoints: Math.ceil(records.length / 8) });
    for (const report of parallel) expect(report).toEqual(file);
  });

  it('checks held checkpoints that fall inside runs and blocks, and names the same record when one does not match', async () => {
    const held = [13, 14, 61, 97, 149].map((size) => checkpointAt(records, size));
    const good = await reports(bundle, options([...held, head]));
    expect(good.file.ok).toBe(true);
    for (const report of good.parallel) expect(report).toEqual(good.file);

    // Signed by the trusted key over other records: the bundle's first 61 records do not match it.
    const other = seal(Array.from({ length: 61 }, (_, i) => plainContent(i + 1000)));
    const bad = await reports(bundle, options([...held.slice(0, 2), checkpointAt(other, 61), head]));
    expect(bad.file).toMatchObject({ ok: false, first_bad_seq: 57 });
    expect(bad.file.problem).toMatch(/held checkpoint/);
    for (const report of bad.parallel) expect(report).toEqual(bad.file);
  });

  it('names the first bad record as verifyBundleFile does, for every kind of mutation', async () => {
    const all = bundle.toString('utf8').trimEnd().split('\n');
    const seen = new Set<string>();
    for (let seed = 1; seed <= 2 * KINDS.length; seed += 1) {
      const { kind, bytes, expected } = mutate(all, seed);
      seen.add(kind);
      // Blocks smaller than a line, and one block (each failing bundle is verified twice).
      const { file, parallel } = await reports(bytes, options(), [2], [100, 1 << 20]);
      expect(file.first_bad_seq, `seed ${seed} ${kind}`).toBe(expected);
      for (const report of parallel) expect(report, `seed ${seed} ${kind}`).toEqual(file);
    }
    expect([...seen].sort()).toEqual([...KINDS].sort());
  });

  it('gives the same strict reports, and the same reports on odd files', async () => {
    const strict = await reports(bundle, options([head], true));
    expect(strict.file.ok).toBe(true);
    for (const report of strict.parallel) expect(report).toEqual(strict.file);
    const text = bundle.toString('utf8');
    const lines = text.trimEnd().split('\n');
    const odd: [string, boolean][] = [
      [text.trimEnd(), true], // no newline at the end
      [`${lines.slice(0, 40).join('\n')}\n\n${lines.slice(40).join('\n')}\n`, false], // an empty line
      [`${lines.slice(1).join('\n')}\n`, false], // no header
      [lines[0]!, false], // the header alone
      ['', false],
      [`${lines[0]}\n${recordLine({ ...records[0]!, org_id: 'org_other' })}\n`, false], // another organisation
    ];
    for (const [bytes, ok] of odd) {
      const { file, parallel } = await reports(Buffer.from(bytes, 'utf8'), options());
      expect(file.ok, bytes.slice(0, 80)).toBe(ok);
      for (const report of parallel) expect(report).toEqual(file);
    }
  });
});
