// Rules' TRUE regions kept from one analysis to the next. The language server analyses a
// document again after every pause in typing, and an edit changes one rule or a few: a rule's
// region depends only on its condition and the policy's sources, so the others are taken from
// here. With a region come the dimensions its computation asked the space for, which the new
// analysis' space adopts (Space.recording), and the box operations it cost, which are charged to
// the new analysis' budget: the analysis then is the one it would have been from scratch.

import type { Dimension } from './Dimension.js';
import type { Region } from './Region.js';

/** Regions held before the memo starts afresh. */
const MAX_REGIONS = 100_000;

export interface KnownTruth {
  readonly region: Region;
  readonly dimensions: readonly Dimension[];
  /** Box operations computing it cost. */
  readonly work: number;
}

export class TruthMemo {
  private readonly truths = new Map<string, KnownTruth>();

  /** Called before an analysis asks anything: starts afresh when the memo has grown past its bound. */
  begin(): void {
    if (this.truths.size >= MAX_REGIONS) this.truths.clear();
  }

  /** The region of a condition (its JSON) in the space named by `sources`, if kept. */
  get(sources: string, condition: string): KnownTruth | undefined {
    return this.truths.get(`${sources}\u0000${condition}`);
  }

  set(sources: string, condition: string, truth: KnownTruth): void {
    this.truths.set(`${sources}\u0000${condition}`, truth);
  }
}

/** The memo the analysis uses when called with the default limits (every caller but tests). */
export const truthMemo = new TruthMemo();
