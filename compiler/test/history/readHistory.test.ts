// Each input format read from hand-made fixtures: what becomes a refund, what is a bad row (with
// its line and reason), and what is ignored.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HistoryInputError, loadColumnMapping, normalizeHeader, parseColumnMapping, readHistory, sniffFormat, type HistoryItem } from '@axiru/compiler';
import { fixture, tempDir } from './helpers.js';

async function items(path: string, options?: Parameters<typeof readHistory>[1]): Promise<HistoryItem[]> {
  const all: HistoryItem[] = [];
  for await (const item of readHistory(path, options)) all.push(item);
  return all;
}

const TMP = tempDir();

const refunds = (all: HistoryItem[]) => all.flatMap((i) => (i.kind === 'refund' ? [{ ...i.refund, line: i.line }] : []));
const errors = (all: HistoryItem[]) => all.flatMap((i) => (i.kind === 'error' ? [{ line: i.line, reason: i.reason }] : []));

describe('Stripe Payments export (unified_payments.csv)', () => {
  test('every row with an amount refunded is one refund, converted exactly, with metadata columns', async () => {
    const all = await items(fixture('payments_export.csv'));
    expect(refunds(all)).toEqual([
      {
        line: 3,
        id: 'ch_A2',
        created: '2026-01-12T09:00:00.000Z',
        charge_id: 'ch_A2',
        amount_cents: 25000,
        currency: 'usd',
        customer_id: 'cus_A',
        stripe_account: 'acct_1X',
        source: 'ai_agent',
        reason: 'requested_by_customer',
        charge_amount_cents: 25000,
        charge_created: '2026-01-10T09:00:00.000Z',
        metadata: { source: 'ai_agent', ticket: 'Z-1', refund_reason: 'requested_by_customer' },
      },
      expect.objectContaining({ line: 4, id: 'ch_J1', amount_cents: 1200, currency: 'jpy', charge_amount_cents: 5000, reason: 'duplicate', source: 'support_tool' }),
      expect.objectContaining({ line: 5, id: 'ch_K1', amount_cents: 1250, currency: 'kwd', charge_amount_cents: 12500, source: null, reason: null, metadata: {} }),
      expect.objectContaining({ line: 8, id: 'ch_E1', amount_cents: 123456, currency: 'eur', created: '2026-01-20T08:30:00.000Z', source: 'automation' }),
    ]);
  });

  test('bad rows are reported with their line and reason, and the rest of the file is read', async () => {
    expect(errors(await items(fixture('payments_export.csv')))).toEqual([
      { line: 6, reason: 'Amount Refunded `1O.00` is not an amount' },
      { line: 7, reason: 'has 4 fields, the header has 15' },
      { line: 10, reason: 'Created date (UTC) `2026-13-01 00:00:00` is not a date' },
    ]);
  });

  test('the byte-order mark is stripped: the first column, `id`, is found', async () => {
    const all = await items(fixture('payments_export.csv'));
    expect(refunds(all)[0]?.id).toBe('ch_A2');
  });

  test('older exports: `Created (UTC)`, minutes without seconds, headers in other case and spacing, unknown columns', async () => {
    const all = await items(fixture('payments_old_header.csv'));
    expect(errors(all)).toEqual([]);
    expect(refunds(all)).toEqual([
      expect.objectContaining({ line: 2, id: 'ch_O1', amount_cents: 500, currency: 'usd', created: '2026-02-02T11:30:00.000Z', charge_created: '2026-02-01T10:00:00.000Z', charge_amount_cents: 2000, customer_id: 'cus_O' }),
    ]);
  });

  test('a header without a required column is an input error naming it', async () => {
    const path = join(TMP, 'unified_payments.csv');
    writeFileSync(path, 'id,Amount,Amount Refunded,Currency\nch_1,1.00,1.00,usd\n');
    await expect(items(path)).rejects.toThrow(HistoryInputError);
    await expect(items(path)).rejects.toThrow(/no column for created .*; refunded_date/);
  });
});

describe('refunds list CSV', () => {
  test('default columns, skipped failed refunds, negative amounts, ISO times, three-decimal currencies', async () => {
    const all = await items(fixture('refunds_list.csv'));
    expect(refunds(all)).toEqual([
      {
        line: 2,
        id: 're_1',
        created: '2026-03-01T10:00:00.000Z',
        charge_id: 'ch_1',
        amount_cents: 1234,
        currency: 'usd',
        customer_id: 'cus_1',
        stripe_account: null,
        source: 'ai_agent',
        reason: 'requested_by_customer',
        charge_amount_cents: null,
        charge_created: null,
        metadata: { source: 'ai_agent' },
      },
      expect.objectContaining({ line: 3, id: 're_2', amount_cents: 500, stripe_account: 'acct_9', source: null }),
      expect.objectContaining({ line: 6, id: 're_5', amount_cents: 1000, currency: 'jpy', created: '2026-03-04T10:00:00.000Z', customer_id: null }),
      expect.objectContaining({ line: 8, id: 're_7', amount_cents: 105, currency: 'kwd' }),
    ]);
    expect(errors(all)).toEqual([
      { line: 5, reason: 'Created (UTC) `yesterday` is not a date' },
      { line: 7, reason: 'currency `xyz` is not an ISO 4217 code' },
      { line: 9, reason: 'Amount `1.005` has more decimals than USD has (2)' },
    ]);
  });

  test('lines count from the rows: a quoted field over two lines, CRLF, a stray quote, a blank line', async () => {
    const all = await items(fixture('refunds_multiline.csv'));
    expect(all.map((i) => (i.kind === 'refund' ? `${i.line} ${i.refund.id}` : `${i.line} error: ${i.reason}`))).toEqual([
      '2 re_m1',
      '4 error: Amount `oops` is not an amount',
      '5 re_m3',
      '6 re_m4',
      '8 re_m5',
    ]);
  });

  test('an unclosed quote at the end is reported, the rows before it are read', async () => {
    const path = join(TMP, 'unclosed.csv');
    writeFileSync(path, 'id,Amount,Currency,Created (UTC)\nre_1,1.00,usd,2026-03-01\nre_2,2.00,usd,"2026-03-02\n');
    const all = await items(path);
    expect(refunds(all).map((r) => r.id)).toEqual(['re_1']);
    expect(errors(all)).toEqual([{ line: 3, reason: 'a quoted field is never closed' }]);
  });

  test('a mapping names other headers, several candidates per field, and extra metadata', async () => {
    const mapping = loadColumnMapping(fixture('mapping.json'));
    const all = await items(fixture('refunds_custom.csv'), { mapping });
    expect(errors(all)).toEqual([]);
    expect(refunds(all)).toEqual([
      expect.objectContaining({ id: 're_c1', amount_cents: 1999, currency: 'gbp', charge_id: 'ch_c1', customer_id: 'cus_c', reason: 'duplicate', metadata: { ticket: 'ZD-1' } }),
      expect.objectContaining({ id: 're_c2', amount_cents: 200000, reason: null, metadata: { ticket: 'ZD-2' } }),
    ]);
  });

  test('without the mapping its headers are not found; a mapping naming a missing column is an error', async () => {
    await expect(items(fixture('refunds_custom.csv'))).rejects.toThrow(/no column for created/);
    const missing = loadColumnMapping(fixture('mapping_missing_column.json'));
    await expect(items(fixture('refunds_custom.csv'), { mapping: missing })).rejects.toThrow('the mapping says charge_id is in column `No Such Column`');
  });

  test('a refunds CSV without an id column gives each refund its file and line', async () => {
    const path = join(TMP, 'export.csv');
    writeFileSync(path, 'Amount,Currency,Created\n4.00,usd,2026-03-01\n');
    expect(refunds(await items(path))[0]?.id).toBe('export.csv:2');
  });
});

describe('JSON Lines of Refund objects', () => {
  test('expanded and unexpanded charges, events, metadata, and bad lines', async () => {
    const all = await items(fixture('refunds.jsonl'));
    expect(refunds(all)).toEqual([
      {
        line: 1,
        id: 're_J1',
        created: '2026-01-01T10:00:00.000Z',
        charge_id: 'ch_J1',
        amount_cents: 2500,
        currency: 'usd',
        customer_id: 'cus_J',
        stripe_account: 'acct_1J',
        source: 'ai_agent',
        reason: 'requested_by_customer',
        charge_amount_cents: 5000,
        charge_created: '2025-12-29T10:00:00.000Z',
        metadata: { order: 'A-1', source: 'ai_agent', ticket: 'T-1' },
      },
      expect.objectContaining({ line: 2, id: 're_J2', charge_id: 'ch_J2', currency: 'eur', customer_id: null, charge_amount_cents: null, reason: null }),
      expect.objectContaining({ line: 6, id: 're_J3', currency: 'jpy', amount_cents: 100, customer_id: 'cus_J3', stripe_account: 'acct_1EV', source: 'automation', reason: 'duplicate' }),
    ]);
    const bad = errors(all);
    expect(bad.map((e) => e.line)).toEqual([4, 7, 8]);
    expect(bad[0]?.reason).toMatch(/^not JSON/);
    expect(bad[1]?.reason).toBe('a `charge`, not a refund');
    expect(bad[2]?.reason).toBe('amount `"12.00"` is not a positive integer of minor units');
  });

  test('the failed refund on line 5 moved no money and is left out', async () => {
    const all = await items(fixture('refunds.jsonl'));
    expect(all.some((i) => i.kind === 'refund' && i.refund.id === 're_failed')).toBe(false);
    expect(all.some((i) => i.line === 5)).toBe(false);
  });
});

describe('format and headers', () => {
  test('the format is sniffed from the extension and the header', async () => {
    expect(await sniffFormat(fixture('payments_export.csv'))).toBe('payments');
    expect(await sniffFormat(fixture('payments_old_header.csv'))).toBe('payments');
    expect(await sniffFormat(fixture('refunds_list.csv'))).toBe('refunds');
    expect(await sniffFormat(fixture('refunds.jsonl'))).toBe('jsonl');
    const path = join(TMP, 'refunds.txt');
    copyFileSync(fixture('refunds.jsonl'), path);
    expect(await sniffFormat(path)).toBe('jsonl');
  });

  test('an explicit format wins over sniffing', async () => {
    const path = join(TMP, 'export.txt');
    copyFileSync(fixture('refunds_list.csv'), path);
    expect(refunds(await items(path, { format: 'refunds' }))).toHaveLength(4);
  });

  test('headers match case-, space- and underscore-insensitively', () => {
    expect(normalizeHeader('Created date (UTC)')).toBe(normalizeHeader(' created_date_(utc) '));
    expect(normalizeHeader('\uFEFFAmount  Refunded')).toBe('amountrefunded');
  });

  test('a missing file is an input error', async () => {
    await expect(items(fixture('no-such-file.csv'))).rejects.toThrow(new HistoryInputError(`${fixture('no-such-file.csv')}: no such file`));
  });

  test('mappings are checked: known fields, headers as strings', () => {
    expect(() => parseColumnMapping({ amount: 5 })).toThrow('`amount` must be a column header or a list of them');
    expect(() => parseColumnMapping({ amont: 'Amount' })).toThrow('unknown field `amont`');
    expect(() => parseColumnMapping(['Amount'])).toThrow('a column mapping is a JSON object');
    expect(() => parseColumnMapping({ metadata: { ticket: 3 } })).toThrow('`metadata` maps metadata keys to column headers');
    expect(() => loadColumnMapping(fixture('bad_mapping.json'))).toThrow(HistoryInputError);
    expect(parseColumnMapping({ id: ['Refund ID', 'id'], metadata: { ticket: 'Ticket' } })).toEqual({ id: ['Refund ID', 'id'], metadata: { ticket: 'Ticket' } });
  });
});
