// Refund history: reading Stripe exports and Refund objects, and replaying them through policies.
// The contract the language server and the CLI build on (issue 5, "Replay").
export type { HistoryRefund, HistoryItem, HistoryFormat } from './HistoryRefund.js';
export { readHistory, sniffFormat, type ReadHistoryOptions } from './readHistory.js';
export { HistoryInputError } from './HistoryInputError.js';
export {
  loadColumnMapping,
  parseColumnMapping,
  normalizeHeader,
  MAPPING_FIELDS,
  PAYMENTS_EXPORT_COLUMNS,
  REFUNDS_CSV_COLUMNS,
  type ColumnMapping,
  type MappingField,
} from './columnMapping.js';
export { majorToMinor } from './majorToMinor.js';
export { parseTimestamp } from './parseTimestamp.js';
export { FactTracker } from './FactTracker.js';
export { replay, replayMany, replayAgainst, type ReplayOptions, type ReplayProgress } from './replay.js';
export type { ReplayReport, RuleHits, OutcomeTotals, DriftExample, BadRowReport } from './ReplayReport.js';
export type { ReplayComparison, Transition } from './ReplayComparison.js';
export { formatReport, formatComparison, formatPackReport, formatAmounts } from './formatReport.js';
export { HistorySnapshot, type SnapshotOptions } from './HistorySnapshot.js';
export { IncrementalReplay } from './IncrementalReplay.js';
