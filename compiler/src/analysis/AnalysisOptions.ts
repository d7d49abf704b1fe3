// Options shared by the public entry points. The defaults are what the compiler and
// `axiru diff` use; tests lower the limits to exercise the inconclusive paths.

import type { Limits } from './Region.js';
import type { Decide } from './runtimeDecide.js';

export interface AnalysisOptions {
  /** Size and work caps of the region algebra (see Region.ts). */
  readonly limits?: Limits;
  /** How witnesses are checked; the runtime by default. Tests may wrap it to count calls. */
  readonly decide?: Decide;
  /**
   * Asked between rules: once it says true the analysis stops and throws AnalysisCancelled (an
   * editor's analysis made pointless by a newer edit). Answers kept for later analyses stay.
   */
  readonly cancelled?: () => boolean;
}
