import type { PolicyIR } from '@axiru/runtime';

/**
 * The role a user acts in on a request that requires one of `required`: the required role
 * itself when the user holds it, else the most junior of the user's roles that the live
 * policy ranks above a required one. Null when none of the user's roles is enough.
 */
export function actingRole(userRoles: readonly string[], required: readonly string[], ir: PolicyIR): string | null {
  const held = new Set(userRoles);
  const exact = required.find((role) => held.has(role));
  if (exact !== undefined) return exact;
  const rank = new Map(ir.roles.map((role) => [role.name, role.rank]));
  const seniorEnough = new Set(required.flatMap((role) => ir.roles.find((r) => r.name === role)?.seniors ?? []));
  const candidates = userRoles.filter((role) => seniorEnough.has(role));
  candidates.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || a.localeCompare(b));
  return candidates[0] ?? null;
}
