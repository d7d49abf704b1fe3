import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionOf } from '../../src/exports/objectLayout.js';
import { addSink, expectWholeChain, headSeq, manualDeliverer, seedDecisions, sinkState } from '../support/exportsHelpers.js';
import { startLocalS3, type LocalS3 } from '../support/s3Server.js';
import { recordOf } from '../support/siemReceiver.js';
import { createTestApp, tempDir, type TestApp } from '../support/testApp.js';

let t: TestApp;
let dir: { path: string; remove: () => void };
beforeEach(async () => {
  t = await createTestApp();
  dir = tempDir('axiru-exports-');
});
afterEach(async () => {
  await t.close();
  dir.remove();
});

/** Records in two hours besides the bootstrap's policy record (2026-04-01T00). */
async function seedAcrossHours(): Promise<void> {
  t.now = new Date('2026-04-28T14:59:59.990Z');
  await seedDecisions(t, 6, 'before');
  t.now = new Date('2026-04-28T15:00:30.000Z');
  await seedDecisions(t, 5, 'after');
}

interface StoredObject { key: string; data: Buffer }

/** Checks every data object against its manifest and partition; returns the events in seq order. */
function checkObjects(objects: readonly StoredObject[], orgId: string): Record<string, unknown>[] {
  const data = objects.filter((object) => object.key.endsWith('.jsonl.gz'));
  const manifests = new Map(objects.filter((object) => object.key.endsWith('.manifest.json')).map((object) => [object.key, object.data]));
  expect(objects.length).toBe(data.length * 2);
  const events: Record<string, unknown>[] = [];
  for (const object of data) {
    const match = /(?:^|\/)(dt=\d{4}-\d{2}-\d{2}\/hour=\d{2})\/(axiru-(.+)-(\d{12})-(\d{12}))\.jsonl\.gz$/.exec(object.key);
    expect(match, object.key).not.toBeNull();
    const [, partition, name, org, from, to] = match!;
    expect(org).toBe(orgId);
    const manifestBytes = manifests.get(object.key.replace(/\.jsonl\.gz$/, '.manifest.json'));
    expect(manifestBytes, `manifest of ${object.key}`).toBeDefined();
    const manifest = JSON.parse(manifestBytes!.toString('utf8')) as Record<string, unknown>;
    const lines = gunzipSync(object.data).toString('utf8').split('\n').filter((line) => line !== '');
    const fileEvents = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const records = fileEvents.map(recordOf);
    expect(manifest).toMatchObject({
      file: `${name}.jsonl.gz`, sha256: createHash('sha256').update(object.data).digest('hex'), bytes: object.data.length,
      records: lines.length, org_id: orgId, first_seq: Number(from), last_seq: Number(to),
      prev_hash: records[0]!.prev_hash, last_hash: records[records.length - 1]!.hash, format: 'ocsf',
    });
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => Number(from) + i));
    for (const record of records) expect(partitionOf(String(record['time']))).toBe(partition);
    events.push(...fileEvents);
  }
  return events.sort((a, b) => recordOf(a).seq - recordOf(b).seq);
}

function walk(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('files sink', () => {
  it('writes gzipped JSON Lines per hour partition, each with a SHA-256 manifest, covering the whole chain', async () => {
    await seedAcrossHours();
    const clock = { now: Date.parse('2026-05-01T00:00:00Z') };
    const deliverer = await manualDeliverer(t, clock);
    const sink = await addSink(t, { type: 'files', dir: dir.path, batch_size: 4 });
    // Adding the sink is itself sealed: it is the last record of the chain it exports.
    const head = await headSeq(t);
    expect(await deliverer.runDue()).toBe(head);
    expect(await sinkState(t, sink.id)).toMatchObject({ cursor_seq: head, records_behind: 0, last_error: null });

    const files = walk(dir.path);
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    const objects = files.map((file) => ({ key: relative(dir.path, file), data: readFileSync(file) }));
    const events = checkObjects(objects, t.demo.id);
    expectWholeChain(events, head);
    const partitions = new Set(objects.map((object) => object.key.split('/').slice(0, 2).join('/')));
    expect([...partitions].sort()).toEqual(['dt=2026-04-01/hour=00', 'dt=2026-04-28/hour=14', 'dt=2026-04-28/hour=15']);
    // Batches are cut at the hour and at batch_size.
    for (const object of objects.filter((o) => o.key.endsWith('.manifest.json'))) {
      expect((JSON.parse(object.data.toString('utf8')) as { records: number }).records).toBeLessThanOrEqual(4);
    }
    await deliverer.stop();
  });

  it('keeps the cursor and shows the error while the directory cannot be written', async () => {
    await seedDecisions(t, 3);
    const clock = { now: Date.parse('2026-05-01T00:00:00Z') };
    const deliverer = await manualDeliverer(t, clock);
    // A regular file where the directory should be: every write fails.
    const blocked = join(dir.path, 'not-a-dir');
    writeFileSync(blocked, 'x');
    const sink = await addSink(t, { type: 'files', dir: blocked });
    await deliverer.runDue();
    const state = await sinkState(t, sink.id);
    expect(state).toMatchObject({ cursor_seq: 0, attempts: 1 });
    expect(state.last_error).toMatch(/writing dt=.*failed/);
    await deliverer.stop();
  });
});

describe('S3 sink (s3rver)', () => {
  let s3: LocalS3;
  let s3dir: { path: string; remove: () => void };
  beforeEach(async () => {
    s3dir = tempDir('axiru-s3rver-');
    s3 = await startLocalS3(s3dir.path, ['axiru-exports']);
  });
  afterEach(async () => {
    await s3.close();
    s3dir.remove();
  });

  function client(): S3Client {
    return new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  }

  async function objects(bucket: string, prefix: string): Promise<StoredObject[]> {
    const s3client = client();
    const listed = await s3client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const result: StoredObject[] = [];
    for (const item of listed.Contents ?? []) {
      const object = await s3client.send(new GetObjectCommand({ Bucket: bucket, Key: item.Key! }));
      result.push({ key: item.Key!.slice(prefix.length), data: Buffer.from(await object.Body!.transformToByteArray()) });
    }
    s3client.destroy();
    return result;
  }

  it('puts the same layout and manifests through the official SDK, and resumes after the bucket outage', async () => {
    await seedAcrossHours();
    const clock = { now: Date.parse('2026-05-01T00:00:00Z') };
    const deliverer = await manualDeliverer(t, clock);
    const settings = {
      type: 's3', endpoint: s3.endpoint, force_path_style: true, region: 'us-east-1',
      access_key_id: 'S3RVER', secret_access_key: 'S3RVER', prefix: 'ledger/axiru', batch_size: 5,
    };
    const good = await addSink(t, { ...settings, name: 'good', bucket: 'axiru-exports' });
    expect(good.settings['secret_access_key']).toBe('[redacted]');
    // A bucket that does not exist yet: an outage of that sink only.
    const late = await addSink(t, { ...settings, name: 'late', bucket: 'axiru-late' });
    const head = await headSeq(t);
    await deliverer.runDue();
    expect(await sinkState(t, good.id)).toMatchObject({ cursor_seq: head, records_behind: 0 });
    const lateState = await sinkState(t, late.id);
    expect(lateState).toMatchObject({ cursor_seq: 0, attempts: 1, in_flight: { from_seq: 1 } });
    expect(lateState.last_error).toContain('NoSuchBucket');

    const events = checkObjects(await objects('axiru-exports', 'ledger/axiru/'), t.demo.id);
    expectWholeChain(events, head);

    const admin = client();
    await admin.send(new CreateBucketCommand({ Bucket: 'axiru-late' }));
    admin.destroy();
    clock.now += 60_000;
    await deliverer.runDue();
    expect(await sinkState(t, late.id)).toMatchObject({ cursor_seq: head, records_behind: 0, attempts: 0 });
    expectWholeChain(checkObjects(await objects('axiru-late', 'ledger/axiru/'), t.demo.id), head);
    await deliverer.stop();
  });
});
