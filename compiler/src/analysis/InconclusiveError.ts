// Thrown inside the analysis when it cannot answer exactly: the region grew past its size
// budget, or the IR holds something the algebra does not model. The public entry points turn
// it into an `inconclusive` answer, so a guess never escapes as a finding.

export class InconclusiveError extends Error {
  constructor(readonly why: string) {
    super(`analysis inconclusive: ${why}`);
    this.name = 'InconclusiveError';
  }
}

/** Thrown when AnalysisOptions.cancelled says the caller no longer wants the answer. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
    this.name = 'AnalysisCancelled';
  }
}

/**
 * Why an analysis could not finish, for an `inconclusive` answer. The runtime refusing the IR
 * (PolicyLoadError) also counts: then no witness can be checked. Anything else is a bug in the
 * analysis and is rethrown.
 */
export function inconclusiveReason(error: unknown): string {
  if (error instanceof InconclusiveError) return error.why;
  if (error instanceof Error && error.name === 'PolicyLoadError') return `the runtime refused the IR: ${error.message}`;
  throw error;
}
