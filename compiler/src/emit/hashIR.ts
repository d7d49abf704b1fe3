import { createHash } from 'node:crypto';
import type { PolicyIR } from '@axiru/runtime';
import { canonicalJson } from '@axiru/runtime';

/** `sha256:` + hex of the canonical IR without its own `hash` field. */
export function hashIR(ir: Omit<PolicyIR, 'hash'> | PolicyIR): string {
  const { hash: _ignored, ...content } = ir as PolicyIR;
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}
