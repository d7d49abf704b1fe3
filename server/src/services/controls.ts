// What the controls mean, as pure functions over the active controls: which one blocks a new
// request at intake (kill switch > merchant freeze) and which one stops an approval.

import type { ControlRow } from '../repositories/types.js';

/** How a decision names the control that decided it. */
export interface ControlView {
  readonly kind: 'kill_switch' | 'freeze';
  readonly scope: string;
  readonly reason: string;
  readonly actor: string;
  /** The control's record in the chain. */
  readonly seq: number;
  readonly since: string;
}

export function controlView(row: ControlRow): ControlView {
  return { kind: row.kind, scope: row.scope, reason: row.reason, actor: row.actor, seq: row.seq, since: row.created_at };
}

function killSwitchesFor(controls: readonly ControlRow[], source: string): ControlRow | undefined {
  // The org-wide switch wins over a source's, so the reason names the broadest one.
  return controls.find((c) => c.kind === 'kill_switch' && c.scope === 'org')
    ?? controls.find((c) => c.kind === 'kill_switch' && c.scope === `source:${source}`);
}

/** The control that blocks a new request from `source` for `stripeAccount`, with the reason to give. */
export function controlBlocking(
  controls: readonly ControlRow[], source: string, stripeAccount: string | null,
): { view: ControlView; reason: string } | null {
  const kill = killSwitchesFor(controls, source);
  if (kill) {
    return {
      view: controlView(kill),
      reason: `Kill switch (${kill.scope}) turned on by ${kill.actor}: ${kill.reason}`,
    };
  }
  const freeze = stripeAccount === null ? undefined : controls.find((c) => c.kind === 'freeze' && c.scope === stripeAccount);
  if (freeze) {
    return {
      view: controlView(freeze),
      reason: `Refunds for ${freeze.scope} are frozen (by ${freeze.actor}): ${freeze.reason}`,
    };
  }
  return null;
}

/** The kill switch that stops approving a pending request from `source`, if one is on. */
export function killSwitchFor(controls: readonly ControlRow[], source: string): ControlRow | null {
  return killSwitchesFor(controls, source) ?? null;
}
