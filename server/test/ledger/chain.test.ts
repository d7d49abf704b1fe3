import { describe, expect, it } from 'vitest';
import { ChainVerifier, hashRecord, toStoredRecord, type StoredRecord } from '../../src/ledger/chain.js';
import { GENESIS_HASH, type LedgerRecord } from '../../src/ledger/record.js';

function chain(length: number, orgId = 'org_a'): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const content = {
      org_id: orgId, seq, kind: 'decision' as const, intent_id: `intent-${seq}`, time: `2026-04-28T00:00:0${seq % 10}.000Z`,
      actor: 'api_key:key_1', body: { amount_cents: seq * 100, note: `record ${seq}` }, prev_hash: prev,
    };
    const record = { ...content, hash: hashRecord(content) };
    records.push(record);
    prev = record.hash;
  }
  return records;
}

function verify(records: readonly StoredRecord[], head = { seq: records.length, hash: records[records.length - 1]?.hash ?? '' }, orgId = 'org_a') {
  const verifier = new ChainVerifier(orgId);
  for (const record of records) if (!verifier.push(record)) break;
  return verifier.finish(records.length === 0 && head.seq === 0 ? null : head);
}

describe('hash chain', () => {
  const good = chain(6).map(toStoredRecord);
  const head = { seq: 6, hash: good[5]!.hash };

  it('links genesis to the head', () => {
    expect(good[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(verify(good, head)).toEqual({ ok: true, records: 6, first_bad_seq: null, problem: null });
  });

  it('covers every envelope field, so a change to any of them is located', () => {
    for (const field of ['org_id', 'kind', 'intent_id', 'time', 'actor', 'prev_hash', 'hash'] as const) {
      const records = good.map((record) => ({ ...record }));
      const target = records[3]!;
      (target as Record<string, unknown>)[field] = field === 'intent_id' ? null : `${String(target[field])}x`;
      expect(verify(records, head).first_bad_seq, field).toBe(4);
    }
  });

  it('detects a single changed byte in a body', () => {
    const records = good.map((record) => ({ ...record }));
    records[2] = { ...records[2]!, body: records[2]!.body.replace('record 3', 'record 8') };
    expect(verify(records, head)).toMatchObject({ ok: false, first_bad_seq: 3 });
  });

  it('detects a body rewritten in non-canonical form even if it means the same', () => {
    const records = good.map((record) => ({ ...record }));
    records[1] = { ...records[1]!, body: records[1]!.body.replace(':', ': ') };
    expect(verify(records, head)).toMatchObject({ ok: false, first_bad_seq: 2 });
  });

  it('names a deleted record by its seq', () => {
    expect(verify([...good.slice(0, 2), ...good.slice(3)], head)).toMatchObject({ ok: false, first_bad_seq: 3 });
  });

  it('detects a deleted tail through the chain head', () => {
    expect(verify(good.slice(0, 5), head)).toMatchObject({ ok: false, first_bad_seq: 6 });
  });

  it('detects reordered records', () => {
    const swapped = [...good];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    // Stored order is by seq, so a reorder means records carry each other's seq.
    const relabelled = swapped.map((record, index) => ({ ...record, seq: index + 1 }));
    expect(verify(relabelled, head)).toMatchObject({ ok: false, first_bad_seq: 3 });
  });

  it('detects an inserted record', () => {
    const copied = [...good.slice(0, 3), { ...good[2]! }, ...good.slice(3)].map((record, index) => ({ ...record, seq: index + 1 }));
    expect(verify(copied, { seq: 7, hash: head.hash })).toMatchObject({ ok: false, first_bad_seq: 4 });
  });

  it('detects an inserted record forged to link to its predecessor at the next link', () => {
    // Inserted as the 4th record and hashed correctly, so the break shows at the record after it.
    const content = { ...good[3]!, body: JSON.parse(good[3]!.body) as Record<string, never>, intent_id: 'forged', prev_hash: good[2]!.hash };
    const forged = toStoredRecord({ ...content, kind: 'decision', hash: hashRecord({ ...content, kind: 'decision' }) });
    const inserted = [...good.slice(0, 3), forged, ...good.slice(3)].map((record, index) => ({ ...record, seq: index + 1 }));
    expect(verify(inserted, { seq: 7, hash: head.hash })).toMatchObject({ ok: false, first_bad_seq: 5 });
  });

  it('detects a record appended past the head', () => {
    const extra = chain(7).map(toStoredRecord);
    expect(verify(extra, head)).toMatchObject({ ok: false, first_bad_seq: 7 });
  });

  it('refuses records of another organisation', () => {
    expect(verify(chain(2, 'org_b').map(toStoredRecord), undefined, 'org_a')).toMatchObject({ ok: false, first_bad_seq: 1 });
  });

  it('accepts an empty chain without a head', () => {
    expect(verify([], { seq: 0, hash: '' })).toEqual({ ok: true, records: 0, first_bad_seq: null, problem: null });
  });
});
