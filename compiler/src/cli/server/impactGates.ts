// `axiru impact --fail-on "allow->block>0"`: limits on how many refunds may change one way. A
// gate is FROM->TO followed by > or >= and a whole number; FROM and TO are outcomes or `*`
// (any), and `changed` stands for every change. Several gates are separated by commas or given
// as repeated --fail-on options; any crossed gate makes the command exit 3.

import { UsageError } from '../readSource.js';
import type { ImpactAnswer, Outcome } from './impactReport.js';

const OUTCOMES: readonly Outcome[] = ['allow', 'flag', 'pending_approval', 'block'];

export interface ImpactGate {
  readonly text: string;
  readonly from: Outcome | '*';
  readonly to: Outcome | '*';
  readonly atLeast: number;
}

const GATE = /^\s*(?:changed|([a-z_*]+)\s*(?:->|→)\s*([a-z_*]+))\s*(>=|>)\s*(\d{1,12})\s*$/;

function side(text: string | undefined, gate: string): Outcome | '*' {
  if (text === undefined || text === '*') return '*';
  if ((OUTCOMES as readonly string[]).includes(text)) return text as Outcome;
  throw new UsageError(`--fail-on \`${gate}\`: \`${text}\` is not an outcome (allow, flag, pending_approval, block or *)`);
}

export function parseGates(options: readonly string[]): ImpactGate[] {
  const gates: ImpactGate[] = [];
  for (const text of options.flatMap((option) => option.split(',')).map((s) => s.trim()).filter((s) => s.length > 0)) {
    const match = GATE.exec(text);
    if (!match) {
      throw new UsageError(`--fail-on \`${text}\` is not a gate: write FROM->TO>N, e.g. "allow->block>0", "*->block>=5" or "changed>10"`);
    }
    const limit = Number(match[4]);
    gates.push({ text, from: side(match[1], text), to: side(match[2], text), atLeast: match[3] === '>' ? limit + 1 : limit });
  }
  return gates;
}

/** The gates crossed, each with how many refunds crossed it. */
export function crossedGates(gates: readonly ImpactGate[], impact: ImpactAnswer): Array<{ gate: ImpactGate; count: number }> {
  const crossed = [];
  for (const gate of gates) {
    const count = impact.transitions
      .filter((t) => (gate.from === '*' || t.from === gate.from) && (gate.to === '*' || t.to === gate.to))
      .reduce((sum, t) => sum + t.count, 0);
    if (count >= gate.atLeast) crossed.push({ gate, count });
  }
  return crossed;
}
