// What a failed sign-in answers. Each names what went wrong in words a person can act on and
// nothing more: no token, no claim values, no internal address of the identity provider.

import * as oidc from 'openid-client';
import { ApiError } from '../errors.js';

export function ssoNotConfigured(field: 'org' | 'email'): ApiError {
  return new ApiError(404, 'sso_not_configured', field === 'org'
    ? 'Single sign-on is not set up for this organisation, or no organisation has this id.'
    : 'No organisation signs in with single sign-on for this email domain; sign in with your password, or ask your admin.', field);
}

export function issuerUnreachable(issuer: string): ApiError {
  return new ApiError(502, 'sso_issuer_unreachable',
    `The identity provider ${issuer} could not be reached (its /.well-known/openid-configuration or token endpoint did not answer as expected). Try again later, or ask your admin to check the issuer URL.`);
}

export function stateInvalid(): ApiError {
  return new ApiError(400, 'sso_state_invalid',
    'This sign-in response is not valid here: it was already used, is more than 10 minutes old, or was started in another browser. Start again from the sign-in page.', 'state');
}

function claimOf(error: unknown): string | null {
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause !== null && typeof cause === 'object'; depth += 1) {
    const claim = (cause as { claim?: unknown }).claim;
    if (typeof claim === 'string') return claim;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

/** The error of a callback that openid-client refused. */
export function callbackError(error: unknown, issuer: string): ApiError {
  if (error instanceof oidc.AuthorizationResponseError) {
    return new ApiError(400, 'sso_denied', `The identity provider did not sign you in (${error.error}). Start again, or ask your admin whether you may use Axiru.`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    return new ApiError(400, 'sso_code_invalid',
      `The identity provider refused the sign-in code (${error.error}): it was already used, has expired, or belongs to another sign-in. Start again from the sign-in page.`, 'code');
  }
  if (error instanceof oidc.ClientError) {
    if (error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
      return new ApiError(400, 'sso_token_expired', 'The identity provider\'s ID token has expired (or is not valid yet). Start again; if it keeps happening, check the clocks of both servers.');
    }
    if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
      const claim = claimOf(error);
      const what = claim === 'aud' ? 'was issued for another application (its audience is not this organisation\'s client_id)'
        : claim === 'nonce' ? 'does not belong to this sign-in (its nonce does not match)'
          : claim === 'iss' ? 'was issued by another identity provider' : 'does not match this sign-in';
      return new ApiError(400, 'sso_token_invalid', `The identity provider's ID token ${what}; you were not signed in.`);
    }
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return issuerUnreachable(issuer);
    }
    return new ApiError(400, 'sso_token_invalid', 'The identity provider\'s answer did not pass validation; you were not signed in.');
  }
  if (error instanceof TypeError) return issuerUnreachable(issuer);
  return new ApiError(400, 'sso_token_invalid', 'The identity provider\'s answer did not pass validation; you were not signed in.');
}
