import type { PolicyRole } from './apiTypes';

/**
 * The role a user would act in on a request that requires one of `required` — the same rule
 * as the server's (services/roles.ts): the required role itself, else a role the policy ranks
 * above one. The server decides; this only explains in advance why a button is disabled.
 */
export function actingRole(userRoles: readonly string[], required: readonly string[], roles: readonly PolicyRole[]): string | null {
  const exact = required.find((role) => userRoles.includes(role));
  if (exact !== undefined) return exact;
  const seniors = new Set(required.flatMap((role) => roles.find((r) => r.name === role)?.seniors ?? []));
  const rank = new Map(roles.map((r) => [r.name, r.rank]));
  return userRoles.filter((role) => seniors.has(role)).sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0))[0] ?? null;
}
