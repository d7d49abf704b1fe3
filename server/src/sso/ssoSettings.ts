// An organisation's single sign-on settings: checked, shown without the client secret, and
// every change sealed in the organisation's chain with the secret redacted, as export sink
// changes are, so whoever redirects sign-in to another identity provider leaves a record.

import type { JsonValue, PolicyIR } from '@axiru/runtime';
import { ApiError } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import type { Repositories, SsoSettings } from '../repositories/types.js';
import { ADMIN_ROLE } from '../services/users.js';

export const DEFAULT_GROUPS_CLAIM = 'groups';
const REDACTED = '[redacted]';

/** What PUT /api/org/sso accepts (after schema validation). */
export interface SsoInput {
  readonly issuer: string;
  readonly client_id: string;
  readonly client_secret?: string | undefined;
  readonly groups_claim?: string | undefined;
  readonly role_map: Readonly<Record<string, readonly string[]>>;
  readonly enforce?: boolean | undefined;
  readonly email_domains?: readonly string[] | undefined;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** The issuer as identity providers write it: an https URL without query or fragment. */
export function checkIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ApiError(400, 'invalid_field', '"issuer" must be the identity provider\'s issuer URL, such as https://login.example.com/realms/acme.', 'issuer');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ApiError(400, 'invalid_field', '"issuer" must be an https:// URL (http:// is only allowed for localhost).', 'issuer');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ApiError(400, 'invalid_field', '"issuer" must not carry a query, a fragment or credentials.', 'issuer');
  }
  return issuer;
}

/** Every mapped role must be a role of the live policy (or `admin`), as for users added by hand. */
function checkRoleMap(roleMap: Readonly<Record<string, readonly string[]>>, ir: PolicyIR | null): void {
  const known = new Set([ADMIN_ROLE, ...(ir?.roles.map((role) => role.name) ?? [])]);
  for (const [group, roles] of Object.entries(roleMap)) {
    for (const [index, role] of roles.entries()) {
      if (!known.has(role)) {
        throw new ApiError(400, 'invalid_field',
          `role "${role}" (for group "${group}") is not a role of the live policy; known roles: ${[...known].sort().join(', ')}.`, `role_map.${group}.${index}`);
      }
    }
    if (new Set(roles).size !== roles.length) throw new ApiError(400, 'invalid_field', `the roles of group "${group}" must not repeat a role.`, `role_map.${group}`);
  }
}

/** The settings to store: defaults filled, the stored secret kept when none is sent. */
export function settingsFrom(
  orgId: string, input: SsoInput, previous: SsoSettings | null, ir: PolicyIR | null, actor: string, now: Date,
): SsoSettings {
  checkIssuer(input.issuer);
  checkRoleMap(input.role_map, ir);
  const secret = input.client_secret ?? previous?.client_secret;
  if (secret === undefined) {
    throw new ApiError(400, 'invalid_field', '"client_secret" is required when single sign-on is first configured.', 'client_secret');
  }
  return {
    org_id: orgId,
    issuer: input.issuer,
    client_id: input.client_id,
    client_secret: secret,
    groups_claim: input.groups_claim ?? DEFAULT_GROUPS_CLAIM,
    role_map: input.role_map,
    enforce: input.enforce ?? false,
    email_domains: [...new Set((input.email_domains ?? []).map((domain) => domain.toLowerCase()))],
    updated_at: now.toISOString(),
    updated_by: actor,
  };
}

/** What GET/PUT /api/org/sso answer: never the client secret. */
export function ssoView(settings: SsoSettings, redirectUri: string) {
  return {
    issuer: settings.issuer,
    client_id: settings.client_id,
    client_secret_set: true,
    groups_claim: settings.groups_claim,
    role_map: Object.fromEntries(Object.entries(settings.role_map).map(([group, roles]) => [group, [...roles]])),
    enforce: settings.enforce,
    email_domains: [...settings.email_domains],
    redirect_uri: redirectUri,
    updated_at: settings.updated_at,
    updated_by: settings.updated_by,
  };
}

export type SsoAction = 'sso_configured' | 'sso_changed' | 'sso_removed';

/** Seals one change in the organisation's chain (inside the caller's transaction). */
export async function sealSsoChange(tx: Repositories, action: SsoAction, settings: SsoSettings, actor: string, time: string): Promise<void> {
  const chain = new ChainAppender(tx);
  const sso: JsonValue = {
    issuer: settings.issuer,
    client_id: settings.client_id,
    client_secret: REDACTED,
    groups_claim: settings.groups_claim,
    role_map: Object.fromEntries(Object.entries(settings.role_map).map(([group, roles]) => [group, [...roles]])),
    enforce: settings.enforce,
    email_domains: [...settings.email_domains],
  };
  await chain.append({ org_id: settings.org_id, kind: 'org', intent_id: null, time, actor, body: { action, sso } });
  await chain.finish();
}
