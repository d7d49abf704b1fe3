/**
 * A history input that cannot be read at all: a missing or unreadable file, a format that cannot
 * be recognized, a required column that is absent, an invalid column mapping. (A bad *row* is
 * not an error: it is reported and the rest of the file is read.) The CLI exits 2 on it.
 */
export class HistoryInputError extends Error {
  override readonly name = 'HistoryInputError';
}
