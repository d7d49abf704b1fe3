// `POST /api/policies/impact`: what a policy text would have done to the organisation's sealed
// decisions of the last 7, 30 or 90 days, against the live policy (or `against`).
import type { PolicyImpactReport } from '@axiru/compiler/language';
import { request } from '../api';

export type ImpactDays = 7 | 30 | 90;

/** The answer, with the window narrowed to the days the editor offers. */
export interface PolicyImpact extends PolicyImpactReport {
  readonly window: { readonly days: ImpactDays; readonly since: string; readonly until: string };
}

export function fetchImpact(source: string, days: ImpactDays, signal: AbortSignal, against?: string): Promise<PolicyImpact> {
  return request<PolicyImpact>('POST', '/api/policies/impact', { body: { source, days, ...(against ? { against } : {}) }, signal });
}
