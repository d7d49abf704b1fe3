// Witnesses: concrete requests inside a region that provably have a claimed property. The
// region says where to look; `check` — an evaluation with the runtime — says whether a
// candidate really qualifies. Only checked candidates are ever returned, so an
// over-approximated region (ratio axes) can cost a witness, never produce a wrong one.

import type { DecisionInput } from '@axiru/runtime';
import type { Box } from './Box.js';
import type { Space } from './Dimension.js';
import { isEmptySet } from './DimensionSet.js';
import { realizeBox, type Preference } from './realizeBox.js';
import type { Region } from './Region.js';

export type WitnessCheck = (input: DecisionInput) => boolean;

export interface WitnessOptions {
  /** Sources in the order to prefer them (the policy's declaration order). */
  readonly sourcePreference?: readonly string[];
  /** Candidates evaluated at most, over all boxes; bounds the work on unrealizable regions. */
  readonly maxChecks?: number;
}

const CANDIDATES_PER_BOX = 24;

export function witness(space: Space, region: Region, check: WitnessCheck, options: WitnessOptions = {}): DecisionInput | null {
  const maxChecks = options.maxChecks ?? 400;
  let checks = 0;
  // Complete requests first: an example with every field the rules read is easiest to follow.
  for (const preference of ['present', 'missing'] as const satisfies readonly Preference[]) {
    for (const box of byCompleteness(region.boxes)) {
      let tried = 0;
      for (const input of realizeBox(space, box, preference, options.sourcePreference)) {
        if (checks++ >= maxChecks) return null;
        if (check(input)) return input;
        if (++tried >= CANDIDATES_PER_BOX) break;
      }
    }
  }
  return null;
}

/**
 * Boxes that allow a complete request first: one where the amount can be present beats one
 * where it must be missing (subtraction tends to put "amount missing" pieces first).
 * The sort is stable, so the order stays deterministic.
 */
function byCompleteness(boxes: readonly Box[]): Box[] {
  const penalty = (box: Box): number => {
    let total = 0;
    for (const [key, set] of box) {
      if (!isEmptySet({ ...set, missing: false })) continue;
      total += key === 'amount' ? 100 : key === 'source' || key === 'currency' ? 10 : 1;
    }
    return total;
  };
  return boxes
    .map((box, index) => ({ box, index, cost: penalty(box) }))
    .sort((x, y) => x.cost - y.cost || x.index - y.index)
    .map((entry) => entry.box);
}
