// Which CSV column holds which field. Stripe lets people pick the columns of an export and
// renames them over the years, so headers are matched case-, space- and underscore-insensitively
// against a list of names per field, and a mapping file can replace any list.
//
// A mapping (JSON, `axiru replay --mapping FILE`) names, per field, the header or headers to use,
// and may map other columns into metadata:
//
//   { "id": "Refund ID", "created": ["Created (UTC)", "Date"], "charge_id": "Payment",
//     "metadata": { "ticket": "Zendesk Ticket" } }
//
// Fields of a refunds CSV: id, created, amount, currency, charge_id, customer_id, stripe_account,
// reason, status, source, charge_amount, charge_created. Fields of a Payments export: id (the
// charge), created (the charge), amount (the charge), amount_refunded, refunded_date, currency,
// status, customer_id, stripe_account, reason, source. Amounts are in major units. Columns named
// `KEY (metadata)` are always read into metadata as KEY.

import { readFileSync } from 'node:fs';
import { HistoryInputError } from './HistoryInputError.js';

export const MAPPING_FIELDS = [
  'id', 'created', 'amount', 'currency', 'charge_id', 'customer_id', 'stripe_account', 'reason', 'status',
  'source', 'charge_amount', 'charge_created', 'amount_refunded', 'refunded_date',
] as const;

export type MappingField = (typeof MAPPING_FIELDS)[number];

export type ColumnMapping = { readonly [F in MappingField]?: string | readonly string[] } & {
  /** Extra metadata: metadata key -> column header. */
  readonly metadata?: Readonly<Record<string, string>>;
};

type Defaults = { readonly [F in MappingField]?: readonly string[] };

/** Stripe's Payments export (`unified_payments.csv`), current and older header names. */
export const PAYMENTS_EXPORT_COLUMNS: Defaults = {
  id: ['id', 'Charge ID', 'Payment ID'],
  created: ['Created date (UTC)', 'Created (UTC)', 'Created date', 'Created'],
  amount: ['Amount'],
  amount_refunded: ['Amount Refunded'],
  refunded_date: ['Refunded date (UTC)', 'Refunded (UTC)', 'Refunded date'],
  currency: ['Currency'],
  status: ['Status'],
  customer_id: ['Customer ID', 'Customer'],
  stripe_account: ['Destination', 'Connected Account', 'Connected Account ID', 'On Behalf Of', 'Account ID'],
  reason: ['Refund Reason'],
};

/**
 * A refunds list exported from the Dashboard's Refunds page (or any tool's): Stripe does not
 * publish its column names and lets people choose them, so these are the common spellings; map
 * others with a mapping file.
 */
export const REFUNDS_CSV_COLUMNS: Defaults = {
  id: ['id', 'Refund ID'],
  created: ['Created (UTC)', 'Created date (UTC)', 'Created', 'Refunded date (UTC)', 'Date (UTC)'],
  amount: ['Amount', 'Refund Amount'],
  currency: ['Currency'],
  charge_id: ['Charge ID', 'Charge', 'Payment ID', 'Payment', 'Source ID'],
  customer_id: ['Customer ID', 'Customer'],
  stripe_account: ['Connected Account', 'Connected Account ID', 'Destination', 'Account ID', 'Account'],
  reason: ['Reason', 'Refund Reason'],
  status: ['Status'],
  charge_amount: ['Charge Amount', 'Payment Amount'],
  charge_created: ['Charge Created (UTC)', 'Charge Created date (UTC)', 'Charge Created', 'Payment Created (UTC)', 'Payment Created'],
};

/** `Created date (UTC)`, `created_date_(utc)` and ` CREATED DATE (UTC) ` are the same header. */
export function normalizeHeader(header: string): string {
  return header.replace(/^\uFEFF/, '').toLowerCase().replace(/[\s_]+/g, '');
}

const METADATA_COLUMN = /^(.*\S)\s*\(metadata\)$/i;

/** Where each field and metadata key is in a header row: column indexes. */
export interface ColumnIndex {
  readonly fields: { readonly [F in MappingField]?: number };
  readonly metadata: readonly (readonly [key: string, column: number])[];
}

/**
 * Finds the columns of `header` for the fields of one format. A field the mapping names must
 * exist; `required` fields must be found one way or the other.
 */
export function indexColumns(header: readonly string[], defaults: Defaults, required: readonly MappingField[], mapping: ColumnMapping | undefined, file: string): ColumnIndex {
  const positions = new Map<string, number>();
  header.forEach((name, i) => {
    const key = normalizeHeader(name);
    if (!positions.has(key)) positions.set(key, i);
  });
  const fields: { [F in MappingField]?: number } = {};
  for (const field of MAPPING_FIELDS) {
    const mapped = mapping?.[field];
    const names = mapped === undefined ? defaults[field] : typeof mapped === 'string' ? [mapped] : mapped;
    if (names === undefined) continue;
    const found = names.map((n) => positions.get(normalizeHeader(n))).find((i) => i !== undefined);
    if (found !== undefined) fields[field] = found;
    else if (mapped !== undefined) {
      throw new HistoryInputError(`${file}: the mapping says ${field} is in column ${names.map((n) => `\`${n}\``).join(' or ')}, which the header does not have`);
    }
  }
  const missing = required.filter((f) => fields[f] === undefined);
  if (missing.length > 0) {
    const wanted = missing.map((f) => `${f} (${(defaults[f] ?? []).map((n) => `\`${n}\``).join(', ')})`).join('; ');
    throw new HistoryInputError(`${file}: no column for ${wanted}; give one with --mapping`);
  }
  const metadata: [string, number][] = [];
  header.forEach((name, i) => {
    const m = METADATA_COLUMN.exec(name.replace(/^\uFEFF/, '').trim());
    if (m?.[1] !== undefined) metadata.push([m[1], i]);
  });
  for (const [key, column] of Object.entries(mapping?.metadata ?? {})) {
    const i = positions.get(normalizeHeader(column));
    if (i === undefined) throw new HistoryInputError(`${file}: the mapping puts column \`${column}\` in metadata.${key}, but the header does not have it`);
    metadata.push([key, i]);
  }
  return { fields, metadata };
}

/** Checks a parsed mapping file: known fields, strings or lists of strings. */
export function parseColumnMapping(value: unknown, file = 'mapping'): ColumnMapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HistoryInputError(`${file}: a column mapping is a JSON object, like {"id": "Refund ID"}`);
  }
  const known = new Set<string>([...MAPPING_FIELDS, 'metadata']);
  for (const [key, entry] of Object.entries(value)) {
    if (!known.has(key)) {
      throw new HistoryInputError(`${file}: unknown field \`${key}\` (fields: ${MAPPING_FIELDS.join(', ')}, metadata)`);
    }
    if (key === 'metadata') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
        throw new HistoryInputError(`${file}: \`metadata\` maps metadata keys to column headers, like {"ticket": "Ticket ID"}`);
      }
    } else if (!(typeof entry === 'string' || (Array.isArray(entry) && entry.length > 0 && entry.every((v) => typeof v === 'string')))) {
      throw new HistoryInputError(`${file}: \`${key}\` must be a column header or a list of them`);
    }
  }
  return value as ColumnMapping;
}

/** Reads and checks a mapping file. */
export function loadColumnMapping(path: string): ColumnMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HistoryInputError(`${path}: cannot read the mapping (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HistoryInputError(`${path}: the mapping is not valid JSON (${(error as Error).message})`);
  }
  return parseColumnMapping(value, path);
}

/** A cell's trimmed text, or '' when the column is absent. */
export function cell(fields: readonly string[], column: number | undefined): string {
  return column === undefined ? '' : (fields[column] ?? '').trim();
}

/** The metadata a row carries in the columns `indexColumns` found for it; empty cells are left out. */
export function rowMetadata(fields: readonly string[], columns: ColumnIndex['metadata']): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, column] of columns) {
    const value = cell(fields, column);
    if (value !== '') metadata[key] = value;
  }
  return metadata;
}
