// Single sign-on with OpenID Connect: the authorization code flow with PKCE, `state` and
// `nonce`, every token check done by openid-client. The flow's secrets (code verifier, nonce)
// stay on the server in sso_flows, keyed by `state`; the browser holds only the state, in a
// SameSite=Lax cookie, which is what survives the cross-site redirect back from the provider
// and ties the callback to the browser that started the sign-in.

import { randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { ApiError } from '../errors.js';
import type { Organisation, Repositories, SsoSettings, Store, UserRecord } from '../repositories/types.js';
import { hashApiKey, randomBase62 } from '../services/apiKeys.js';
import type { SessionService, SignedIn } from '../services/sessions.js';
import { callbackError, issuerUnreachable, ssoNotConfigured, stateInvalid } from './ssoErrors.js';
import { sealSsoChange, settingsFrom, type SsoInput } from './ssoSettings.js';

export const CALLBACK_PATH = '/api/sso/callback';
/** A sign-in must come back within this long. */
export const FLOW_TTL_MS = 10 * 60_000;
/** Discovery documents are fetched again after this long. */
const DISCOVERY_TTL_MS = 10 * 60_000;

export interface SsoServiceOptions {
  readonly clock: () => Date;
  /** AXIRU_PUBLIC_URL: where browsers reach the server (else the listening URL). */
  readonly publicUrl?: string | undefined;
  /** The fetch openid-client uses (tests pass one that trusts their CA); default: global fetch. */
  readonly fetch?: typeof fetch | undefined;
  readonly onError?: (error: unknown, stage: string) => void;
}

interface Identity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** The roles the groups map to, in role_map order, each once. */
export function rolesFor(groups: readonly string[], roleMap: Readonly<Record<string, readonly string[]>>): string[] {
  const roles: string[] = [];
  for (const [group, mapped] of Object.entries(roleMap)) {
    if (!groups.includes(group)) continue;
    for (const role of mapped) if (!roles.includes(role)) roles.push(role);
  }
  return roles;
}

export class SsoService {
  private baseUrl: string | null = null;
  private readonly configs = new Map<string, { config: oidc.Configuration; at: number }>();

  constructor(private readonly store: Store, private readonly sessions: SessionService, private readonly options: SsoServiceOptions) {}

  /** The listening URL, used for the redirect URI when AXIRU_PUBLIC_URL is not set. */
  useBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  /** The redirect URI to register with the identity provider. */
  redirectUri(requestOrigin: string): string {
    const base = this.options.publicUrl ?? this.baseUrl ?? requestOrigin;
    return `${base.replace(/\/+$/, '')}${CALLBACK_PATH}`;
  }

  async configure(org: Organisation, input: SsoInput, ir: Parameters<typeof settingsFrom>[3], actor: string): Promise<SsoSettings> {
    const now = this.options.clock();
    return this.store.transaction(async (tx) => {
      const previous = await tx.sso.get(org.id);
      const settings = settingsFrom(org.id, input, previous, ir, actor, now);
      await tx.sso.put(settings);
      await sealSsoChange(tx, previous ? 'sso_changed' : 'sso_configured', settings, actor, settings.updated_at);
      return settings;
    });
  }

  /** False when the organisation had no settings. */
  async remove(org: Organisation, actor: string): Promise<boolean> {
    const now = this.options.clock().toISOString();
    return this.store.transaction(async (tx) => {
      const previous = await tx.sso.get(org.id);
      if (!previous || !await tx.sso.remove(org.id)) return false;
      await sealSsoChange(tx, 'sso_removed', previous, actor, now);
      return true;
    });
  }

  /** Whether password sign-in and invites are refused for the organisation. */
  async enforced(repos: Repositories, orgId: string): Promise<boolean> {
    return (await repos.sso.get(orgId))?.enforce === true;
  }

  private async discover(settings: SsoSettings): Promise<oidc.Configuration> {
    const cacheKey = `${settings.org_id}\0${settings.updated_at}`;
    const now = Date.now();
    const cached = this.configs.get(cacheKey);
    if (cached && now - cached.at < DISCOVERY_TTL_MS) return cached.config;
    let config: oidc.Configuration;
    try {
      config = await oidc.discovery(
        new URL(settings.issuer), settings.client_id, undefined, oidc.ClientSecretBasic(settings.client_secret),
        {
          ...(this.options.fetch ? { [oidc.customFetch]: this.options.fetch as oidc.CustomFetch } : {}),
          ...(new URL(settings.issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
          timeout: 15,
        },
      );
    } catch (error) {
      this.options.onError?.(error, 'discovery');
      throw issuerUnreachable(settings.issuer);
    }
    for (const key of this.configs.keys()) if (key.startsWith(`${settings.org_id}\0`)) this.configs.delete(key);
    this.configs.set(cacheKey, { config, at: now });
    return config;
  }

  /** The organisation a sign-in is for: by id, or by the domain of a work email. */
  private async settingsFor(org: string | undefined, email: string | undefined): Promise<SsoSettings> {
    if (org !== undefined) {
      const settings = await this.store.sso.get(org);
      if (!settings) throw ssoNotConfigured('org');
      return settings;
    }
    const domain = email?.slice(email.lastIndexOf('@') + 1).toLowerCase() ?? '';
    const matches = email?.includes('@') ? await this.store.sso.byEmailDomain(domain) : [];
    if (matches.length !== 1 || !matches[0]) throw ssoNotConfigured('email');
    return matches[0];
  }

  /** Starts a sign-in: the provider URL to send the browser to, and the state for its cookie. */
  async start(org: string | undefined, email: string | undefined, requestOrigin: string): Promise<{ url: string; state: string }> {
    if (org === undefined && email === undefined) {
      throw new ApiError(400, 'invalid_field', 'Say which organisation to sign in to: ?org=<organisation id> or ?email=<your work email>.', 'org');
    }
    const settings = await this.settingsFor(org, email);
    const config = await this.discover(settings);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const redirectUri = this.redirectUri(requestOrigin);
    const now = this.options.clock().getTime();
    await this.store.transaction(async (tx) => {
      await tx.sso.purgeFlows(now - FLOW_TTL_MS);
      await tx.sso.createFlow({ state, org_id: settings.org_id, code_verifier: codeVerifier, nonce, redirect_uri: redirectUri, created_ms: now });
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(email !== undefined ? { login_hint: email } : {}),
    });
    return { url: url.href, state };
  }

  /**
   * Completes a sign-in: checks the state against the browser's cookie, redeems the code,
   * lets openid-client validate the ID token, then creates or updates the user and opens a
   * session.
   */
  async callback(query: Readonly<Record<string, string>>, cookieState: string | undefined): Promise<SignedIn> {
    const state = query['state'];
    if (state === undefined || cookieState === undefined || state !== cookieState) throw stateInvalid();
    const flow = await this.store.transaction((tx) => tx.sso.takeFlow(state));
    if (!flow || this.options.clock().getTime() - flow.created_ms > FLOW_TTL_MS) throw stateInvalid();
    const settings = await this.store.sso.get(flow.org_id);
    if (!settings) throw ssoNotConfigured('org');
    const config = await this.discover(settings);
    const currentUrl = new URL(flow.redirect_uri);
    for (const [name, value] of Object.entries(query)) currentUrl.searchParams.set(name, value);
    let identity: Identity;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: flow.code_verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      let profile: Record<string, unknown> = { ...claims };
      // Many providers put email and groups in the UserInfo answer rather than the ID token.
      if ((profile['email'] === undefined || profile[settings.groups_claim] === undefined) && tokens.access_token) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        profile = { ...info, ...profile, ...(profile[settings.groups_claim] === undefined ? { [settings.groups_claim]: info[settings.groups_claim] } : {}) };
      }
      const email = typeof profile['email'] === 'string' ? profile['email'].toLowerCase() : null;
      if (email === null) {
        throw new ApiError(400, 'sso_email_missing', 'The identity provider did not send your email address; ask your admin to release the "email" claim to Axiru.');
      }
      identity = {
        issuer: claims.iss, subject: claims.sub, email,
        name: typeof profile['name'] === 'string' && profile['name'] !== '' ? profile['name'] : email,
        groups: groupsOf(profile[settings.groups_claim]),
      };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.options.onError?.(error, 'callback');
      throw callbackError(error, settings.issuer);
    }
    return this.signIn(settings, identity);
  }

  /**
   * The user of an identity (created on first sign-in, keyed by issuer + subject), with the
   * roles its groups map to now. A user whose roles shrank loses every other session at once.
   */
  private async signIn(settings: SsoSettings, identity: Identity): Promise<SignedIn> {
    const roles = rolesFor(identity.groups, settings.role_map);
    const now = this.options.clock();
    const user = await this.store.transaction(async (tx) => {
      let existing = await tx.sso.userBySubject(settings.org_id, identity.issuer, identity.subject);
      if (!existing) {
        // A person added by hand before SSO was set up keeps their user (and approvals) when
        // they first sign in with SSO: the organisation's admin chose to trust this provider.
        const byEmail = await tx.users.findByEmail(settings.org_id, identity.email);
        if (byEmail && byEmail.sso_issuer != null) {
          throw new ApiError(409, 'sso_identity_conflict',
            'Your email address belongs to another single sign-on identity in this organisation; ask your admin.');
        }
        existing = byEmail;
      }
      if (existing?.disabled_at != null) {
        throw new ApiError(403, 'user_disabled', 'Your Axiru user is disabled in this organisation; ask your admin.');
      }
      if (!existing) {
        const created: UserRecord = {
          id: `usr_${randomUUID().replaceAll('-', '').slice(0, 20)}`, org_id: settings.org_id, email: identity.email,
          name: identity.name, roles, slack_user_id: null,
          // No personal key is ever shown to an SSO user: this hash matches no key anyone holds.
          key_hash: hashApiKey(`sk_user_${randomBase62(43)}`), key_hint: 'sk_user_…none',
          created_at: now.toISOString(), disabled_at: null, sso_issuer: identity.issuer, sso_subject: identity.subject,
        };
        const { sso_issuer: _issuer, sso_subject: _subject, ...row } = created;
        await tx.users.create(row);
        await tx.sso.updateFromIdentity(settings.org_id, created.id, { ...identity, roles });
        return created;
      }
      const other = await tx.users.findByEmail(settings.org_id, identity.email);
      // An email another user already has stays with that user; this one keeps its old address.
      const email = other && other.id !== existing.id ? existing.email : identity.email;
      await tx.sso.updateFromIdentity(settings.org_id, existing.id, { ...identity, email, roles });
      if (existing.roles.some((role) => !roles.includes(role))) await tx.sessions.deleteForUser(settings.org_id, existing.id);
      return { ...existing, email, name: identity.name, roles, sso_issuer: identity.issuer, sso_subject: identity.subject };
    });
    // A user whose groups map to no role is still signed in; GET /api/session's notice tells them.
    return this.sessions.openSession(user, 'sso');
  }
}
