// Stripe's Payments export (`unified_payments.csv`): one row per charge. A row with an
// `Amount Refunded` above zero is one refund of that amount at `Refunded date (UTC)`, of a charge
// of `Amount` created at `Created date (UTC)` (older exports: `Created (UTC)`). Several partial
// refunds of a charge show as one row with their total and one date: the export cannot tell them
// apart. Every row that is not a failed payment also says when its customer paid.

import { isKnownCurrency } from '@axiru/runtime';
import { cell, indexColumns, rowMetadata, PAYMENTS_EXPORT_COLUMNS, type ColumnMapping } from './columnMapping.js';
import { firstMetadata, REASON_METADATA_KEYS, SOURCE_METADATA_KEYS, type HistoryRecord } from './HistoryRefund.js';
import { majorToMinor } from './majorToMinor.js';
import { parseTimestamp } from './parseTimestamp.js';

/** Reads one data row into `out`: a payment, maybe a refund, or a bad row. */
export type RowReader = (fields: readonly string[], line: number, out: HistoryRecord[]) => void;

const FAILED_PAYMENT = new Set(['failed', 'canceled', 'cancelled', 'blocked', 'incomplete']);

export function paymentsExportReader(header: readonly string[], mapping: ColumnMapping | undefined, file: string): RowReader {
  const { fields: col, metadata: metadataColumns } = indexColumns(
    header,
    PAYMENTS_EXPORT_COLUMNS,
    ['id', 'created', 'amount', 'amount_refunded', 'currency', 'refunded_date'],
    mapping,
    file,
  );
  const width = header.length;
  const name = (column: number | undefined): string => (column === undefined ? '' : (header[column] ?? '').replace(/^\uFEFF/, '').trim());

  return (fields, line, out) => {
    const bad = (reason: string) => void out.push({ kind: 'error', file, line, reason });
    if (fields.length !== width) return bad(`has ${fields.length} fields, the header has ${width}`);
    const chargeId = cell(fields, col.id);
    const createdText = cell(fields, col.created);
    const created = parseTimestamp(createdText);
    if (created === null) return bad(`${name(col.created)} \`${createdText}\` is not a date`);
    const customer = cell(fields, col.customer_id) || null;
    const status = cell(fields, col.status).toLowerCase();
    if (customer !== null && !FAILED_PAYMENT.has(status)) out.push({ kind: 'payment', customer, time: created });

    const refundedText = cell(fields, col.amount_refunded);
    // Most rows are payments that were never refunded: settle them without parsing more.
    if (refundedText === '' || /^[0.,\s]+$/.test(refundedText)) return;

    const currency = cell(fields, col.currency).toLowerCase();
    if (!isKnownCurrency(currency)) return bad(`currency \`${currency}\` is not an ISO 4217 code`);
    const refunded = majorToMinor(refundedText, currency);
    if (typeof refunded === 'string') return bad(`${name(col.amount_refunded)} ${refunded}`);
    if (refunded < 0) return bad(`${name(col.amount_refunded)} \`${refundedText}\` is negative`);
    const chargeAmount = majorToMinor(cell(fields, col.amount), currency);
    if (typeof chargeAmount === 'string') return bad(`${name(col.amount)} ${chargeAmount}`);
    const refundedAtText = cell(fields, col.refunded_date);
    const time = parseTimestamp(refundedAtText);
    if (time === null) {
      return bad(
        refundedAtText === ''
          ? `${name(col.amount_refunded)} is ${refundedText} but ${name(col.refunded_date)} is empty`
          : `${name(col.refunded_date)} \`${refundedAtText}\` is not a date`,
      );
    }
    if (chargeId === '') return bad('the charge id is empty');

    const metadata = rowMetadata(fields, metadataColumns);
    out.push({
      kind: 'refund',
      line,
      time,
      chargeTime: created,
      refund: {
        id: chargeId,
        created: new Date(time).toISOString(),
        charge_id: chargeId,
        amount_cents: refunded,
        currency,
        customer_id: customer,
        stripe_account: cell(fields, col.stripe_account) || null,
        source: cell(fields, col.source) || firstMetadata(metadata, SOURCE_METADATA_KEYS),
        reason: cell(fields, col.reason) || firstMetadata(metadata, REASON_METADATA_KEYS),
        charge_amount_cents: chargeAmount,
        charge_created: new Date(created).toISOString(),
        metadata,
      },
    });
  };
}
