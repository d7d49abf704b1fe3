// Reading history files of any supported format as a stream: a Payments export or a refunds list
// in CSV (csv-parse, streaming), or JSON Lines of Refund objects. Memory stays flat whatever the
// file size; rows that cannot be read are reported with their line and the rest is read on.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { normalizeHeader, type ColumnMapping } from './columnMapping.js';
import { HistoryInputError } from './HistoryInputError.js';
import type { HistoryFormat, HistoryItem, HistoryRecord } from './HistoryRefund.js';
import { paymentsExportReader, type RowReader } from './paymentsExport.js';
import { readRefundLine } from './refundJsonl.js';
import { refundsCsvReader } from './refundsCsv.js';
import { lineBatches, streamBatches } from './streamBatches.js';

export interface ReadHistoryOptions {
  /** Column names for CSV files (columnMapping.ts). */
  readonly mapping?: ColumnMapping;
  /** The file's format; found from its extension and first line when not given. */
  readonly format?: HistoryFormat;
}

/** The file's size in bytes, or a HistoryInputError a person can act on. */
export async function historyFileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new HistoryInputError(`${path}: is a directory, expected a history file`);
    return info.size;
  } catch (error) {
    if (error instanceof HistoryInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new HistoryInputError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(error)})`);
  }
}

/**
 * A file's format: `.jsonl`, `.ndjson` and `.json` files and files whose first character is `{`
 * are JSON Lines; a CSV whose header has `Amount Refunded` (or a mapping for it) is a Payments
 * export; any other CSV is a refunds list.
 */
export async function sniffFormat(path: string, mapping?: ColumnMapping): Promise<HistoryFormat> {
  if (['.jsonl', '.ndjson', '.json'].includes(extname(path).toLowerCase())) return 'jsonl';
  let head: string;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HistoryInputError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(error)})`);
  }
  if (head.trimStart().startsWith('{')) return 'jsonl';
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  let header: string[] = [];
  try {
    header = (parseSync(firstLine, { relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    header = firstLine.split(',');
  }
  if (mapping?.amount_refunded !== undefined || header.some((h) => normalizeHeader(h) === 'amountrefunded')) return 'payments';
  return 'refunds';
}

const CSV_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
};

/** The line breaks inside a row's fields: the row takes that many lines more than one. */
function embeddedLineBreaks(fields: readonly string[]): number {
  let n = 0;
  for (const field of fields) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/** The file's chunks, reporting each one's size. */
async function* countedChunks(path: string, onBytes: ((bytes: number) => void) | undefined): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path)) {
    onBytes?.((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/**
 * A CSV file's rows through csv-parse. Quotes are relaxed (`"a"b` is the text `"a"b`), so a stray
 * quote costs its row, not the rest of the file, and rows with too few or too many fields come
 * through to be reported. Lines are counted here, from the rows (csv-parse's own count drifts
 * after a CRLF inside a quoted field): a row starts on the line after the previous one ends.
 */
async function* csvRecords(path: string, format: 'payments' | 'refunds', mapping: ColumnMapping | undefined, onBytes?: (bytes: number) => void): AsyncGenerator<HistoryRecord[]> {
  const file = createReadStream(path);
  if (onBytes) file.on('data', (chunk) => onBytes(chunk.length));
  const parser = parse({ bom: true, relax_quotes: true, relax_column_count: true, skip_records_with_error: true });
  const skipped: HistoryRecord[] = [];
  parser.on('skip', (error: Error & { code?: string; lines?: number }) => {
    skipped.push({ kind: 'error', file: path, line: error.lines ?? 0, reason: CSV_PROBLEMS[error.code ?? ''] ?? error.message });
  });
  file.on('error', (error) => parser.destroy(new HistoryInputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
  file.pipe(parser);
  let read: RowReader | null = null;
  let lastLine = 0;
  try {
    for await (const batch of streamBatches<string[]>(parser)) {
      const out: HistoryRecord[] = [];
      for (const record of batch) {
        const line = lastLine + 1;
        lastLine = line + embeddedLineBreaks(record);
        if (record.length === 1 && record[0] === '') continue;
        if (read === null) read = format === 'payments' ? paymentsExportReader(record, mapping, path) : refundsCsvReader(record, mapping, path);
        else read(record, line, out);
      }
      // Rows csv-parse gave up on (only an unclosed quote at the end, with relaxed quotes).
      if (skipped.length > 0) out.push(...skipped.splice(0));
      yield out;
    }
    if (skipped.length > 0) yield skipped.splice(0);
  } finally {
    file.destroy();
  }
}

async function* jsonlRecords(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<HistoryRecord[]> {
  try {
    for await (const lines of lineBatches(countedChunks(path, onBytes))) {
      const out: HistoryRecord[] = [];
      for (const { text, line } of lines) readRefundLine(text, line, path, out);
      yield out;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new HistoryInputError(`${path}: cannot read (${code})`);
    throw error;
  }
}

/**
 * Every record of one file, in file order and in batches: refunds, payments seen (for customer
 * tenure) and bad rows. `onBytes` hears how many bytes were read, chunk by chunk.
 */
export async function* readRecordBatches(path: string, options: ReadHistoryOptions = {}, onBytes?: (bytes: number) => void): AsyncGenerator<HistoryRecord[]> {
  await historyFileSize(path);
  const format = options.format ?? (await sniffFormat(path, options.mapping));
  if (format === 'jsonl') yield* jsonlRecords(path, onBytes);
  else yield* csvRecords(path, format, options.mapping, onBytes);
}

/**
 * The refunds of one history file, normalized, in file order, with the rows that could not be
 * read (line and reason) where they occur. Throws HistoryInputError when the file as a whole
 * cannot be read: missing, unreadable, or without the columns its format needs.
 */
export async function* readHistory(
  path: string,
  options?: { mapping?: ColumnMapping; format?: HistoryFormat },
): AsyncGenerator<HistoryItem, void, undefined> {
  for await (const batch of readRecordBatches(path, options)) {
    for (const record of batch) {
      if (record.kind === 'refund') yield { kind: 'refund', refund: record.refund, line: record.line };
      else if (record.kind === 'error') yield { kind: 'error', line: record.line, reason: record.reason, file: record.file };
    }
  }
}
