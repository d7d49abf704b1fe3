// A refunds list in CSV: one row per refund, columns found through the mapping
// (columnMapping.ts: REFUNDS_CSV_COLUMNS and any --mapping file). Amounts are in major units; a
// leading minus (some exports show refunds as negative amounts) is ignored. Rows whose status
// says the refund failed or was canceled moved no money and are skipped.

import { basename } from 'node:path';
import { isKnownCurrency } from '@axiru/runtime';
import { cell, indexColumns, rowMetadata, REFUNDS_CSV_COLUMNS, type ColumnMapping } from './columnMapping.js';
import { firstMetadata, REASON_METADATA_KEYS, SOURCE_METADATA_KEYS, VOID_REFUND_STATUSES } from './HistoryRefund.js';
import { majorToMinor } from './majorToMinor.js';
import { parseTimestamp } from './parseTimestamp.js';
import type { RowReader } from './paymentsExport.js';

export function refundsCsvReader(header: readonly string[], mapping: ColumnMapping | undefined, file: string): RowReader {
  const { fields: col, metadata: metadataColumns } = indexColumns(header, REFUNDS_CSV_COLUMNS, ['created', 'amount', 'currency'], mapping, file);
  const name = (column: number | undefined): string => (column === undefined ? '' : (header[column] ?? '').replace(/^\uFEFF/, '').trim());
  const width = header.length;
  const rowId = basename(file);

  return (fields, line, out) => {
    const bad = (reason: string) => void out.push({ kind: 'error', file, line, reason });
    if (fields.length !== width) return bad(`has ${fields.length} fields, the header has ${width}`);
    if (VOID_REFUND_STATUSES.has(cell(fields, col.status).toLowerCase())) return;
    const currency = cell(fields, col.currency).toLowerCase();
    if (!isKnownCurrency(currency)) return bad(`currency \`${currency}\` is not an ISO 4217 code`);
    const amountText = cell(fields, col.amount).replace(/^-/, '');
    const amount = majorToMinor(amountText, currency);
    if (typeof amount === 'string') return bad(`${name(col.amount)} ${amount}`);
    if (amount <= 0) return bad(`${name(col.amount)} \`${amountText}\` is not a refund`);
    const createdText = cell(fields, col.created);
    const time = parseTimestamp(createdText);
    if (time === null) return bad(`${name(col.created)} \`${createdText}\` is not a date`);

    let chargeAmount: number | null = null;
    const chargeAmountText = cell(fields, col.charge_amount);
    if (chargeAmountText !== '') {
      const parsed = majorToMinor(chargeAmountText, currency);
      if (typeof parsed === 'string') return bad(`${name(col.charge_amount)} ${parsed}`);
      chargeAmount = parsed;
    }
    let chargeTime: number | null = null;
    const chargeCreatedText = cell(fields, col.charge_created);
    if (chargeCreatedText !== '') {
      chargeTime = parseTimestamp(chargeCreatedText);
      if (chargeTime === null) return bad(`${name(col.charge_created)} \`${chargeCreatedText}\` is not a date`);
    }

    const metadata = rowMetadata(fields, metadataColumns);
    const customer = cell(fields, col.customer_id) || null;
    if (customer !== null && chargeTime !== null) out.push({ kind: 'payment', customer, time: chargeTime });
    out.push({
      kind: 'refund',
      line,
      time,
      chargeTime,
      refund: {
        id: cell(fields, col.id) || `${rowId}:${line}`,
        created: new Date(time).toISOString(),
        charge_id: cell(fields, col.charge_id) || null,
        amount_cents: amount,
        currency,
        customer_id: customer,
        stripe_account: cell(fields, col.stripe_account) || null,
        source: cell(fields, col.source) || firstMetadata(metadata, SOURCE_METADATA_KEYS),
        reason: cell(fields, col.reason) || firstMetadata(metadata, REASON_METADATA_KEYS),
        charge_amount_cents: chargeAmount,
        charge_created: chargeTime === null ? null : new Date(chargeTime).toISOString(),
        metadata,
      },
    });
  };
}
