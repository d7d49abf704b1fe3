// A real OpenID provider for tests: oidc-provider over HTTPS on a loopback port, with a
// throwaway CA made by Debian's openssl, a confidential client, accounts whose `groups` claim
// a test can change, and a one-field login page (the browser test fills it in). Plus a
// hand-made "rogue" issuer that signs ID tokens with a chosen audience or expiry, for the
// token checks a well-behaved provider never gives a reason to make.

import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';
import { Agent, fetch as undiciFetch } from 'undici';

export interface Tls {
  readonly caFile: string;
  readonly ca: string;
  readonly key: string;
  readonly cert: string;
}

/** A CA and a certificate for `localhost`, signed by it, in `dir`. */
export function makeCerts(dir: string): Tls {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=Axiru test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost',
    '-keyout', file('server.key'), '-out', file('server.csr'));
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-out', file('server.pem'), '-extfile', file('server.ext'));
  return { caFile: file('ca.pem'), ca: readFileSync(file('ca.pem'), 'utf8'), key: readFileSync(file('server.key'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8') };
}

/** A fetch that trusts the test CA (for the test itself, and for an in-process server's openid-client). */
export function trustingFetch(tls: Tls): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: tls.ca } });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}

export interface Account {
  email: string;
  name: string;
  groups: string[];
}

export interface IdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** By login name (the `sub`); change groups between sign-ins. */
  readonly accounts: Map<string, Account>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

const LOGIN_PAGE = (uid: string) => `<!doctype html><html><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}">
<label>Username <input name="login" autocomplete="off"></label>
<button type="submit">Sign in</button>
</form></body></html>`;

/** oidc-provider at https://localhost:PORT with one client whose redirect URI is `redirectUri`. */
export async function startIdentityProvider(tls: Tls, redirectUri: string, accounts: Record<string, Account>): Promise<IdentityProvider> {
  const clientId = 'axiru-test';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const known = new Map(Object.entries(accounts));
  let provider: Provider | null = null;
  const server = createServer({ key: tls.key, cert: tls.cert }, (request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const match = /^\/interaction\/([\w-]+)$/.exec(request.url ?? '');
    if (match?.[1] && provider) {
      await provider.interactionDetails(request, response);
      if (request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'text/html' }).end(LOGIN_PAGE(match[1]));
        return;
      }
      const login = (await readForm(request)).get('login') ?? '';
      if (!known.has(login)) {
        await provider.interactionFinished(request, response, { error: 'access_denied', error_description: 'unknown user' }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: login, clientId });
      grant.addOIDCScope('openid email profile');
      const grantId = await grant.save();
      await provider.interactionFinished(request, response, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
      return;
    }
    provider!.callback()(request, response);
  };
  const port = await listen(server);
  const issuer = `https://localhost:${port}`;
  provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    cookies: { keys: ['test-cookie-key-0123456789'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx, id) => {
      const account = known.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name, groups: [...account.groups] }) };
    },
  });
  return {
    issuer, clientId, clientSecret, accounts: known,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface RogueIssuer {
  readonly issuer: string;
  /** What the next ID token carries: another audience, or an expiry in the past. */
  token: { aud?: string; expired?: boolean };
  close(): Promise<void>;
}

/**
 * An issuer that signs in anyone at once and answers the token request with an ID token
 * built to the test's order (audience, expiry). Axiru checks it with openid-client like any other.
 */
export async function startRogueIssuer(tls: Tls, clientId: string): Promise<RogueIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'rogue', alg: 'ES256', use: 'sig' };
  const nonces = new Map<string, string>();
  const state: { issuer: string; token: { aud?: string; expired?: boolean } } = { issuer: '', token: {} };
  const server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', state.issuer);
      const json = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/.well-known/openid-configuration') {
        json({
          issuer: state.issuer, authorization_endpoint: `${state.issuer}/auth`, token_endpoint: `${state.issuer}/token`,
          jwks_uri: `${state.issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'], code_challenge_methods_supported: ['S256'],
        });
      } else if (url.pathname === '/jwks') {
        json({ keys: [jwk] });
      } else if (url.pathname === '/auth') {
        const code = `code-${nonces.size}`;
        nonces.set(code, url.searchParams.get('nonce') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        response.writeHead(302, { location: back.href }).end();
      } else if (url.pathname === '/token') {
        const code = (await readForm(request)).get('code') ?? '';
        const now = Math.floor(Date.now() / 1000);
        const issuedAt = state.token.expired ? now - 7200 : now;
        const idToken = await new SignJWT({ nonce: nonces.get(code), email: 'rogue@example.com', name: 'Rogue', groups: ['finance'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'rogue' })
          .setIssuer(state.issuer).setSubject('rogue-subject').setAudience(state.token.aud ?? clientId)
          .setIssuedAt(issuedAt).setExpirationTime(issuedAt + 600)
          .sign(privateKey);
        json({ access_token: 'rogue-access-token', token_type: 'Bearer', expires_in: 600, id_token: idToken });
      } else {
        response.writeHead(404).end();
      }
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  const port = await listen(server);
  state.issuer = `https://localhost:${port}`;
  return {
    get issuer() { return state.issuer; },
    get token() { return state.token; },
    set token(value) { state.token = value; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Cookies by name, as a browser would send them back (path and domain matter little here). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
