// Every error the API returns has one shape: { "error": { "code", "message", "field" } }.
// `code` is stable for programs, `message` says what was wrong and what is allowed, and
// `field` names the request field at fault (dotted path) or is null.

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field: string | null;
    readonly [extra: string]: unknown;
  };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    /** Extra members of the error object (e.g. compiler diagnostics). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, field: this.field, ...this.details } };
  }
}

export function errorBody(code: string, message: string, field: string | null = null): ErrorBody {
  return { error: { code, message, field } };
}

// The authentication failures are deliberately identical whatever the cause (unknown,
// revoked, malformed), so a caller cannot probe which keys exist.
export function invalidKey(): ApiError {
  return new ApiError(401, 'unauthorized', 'The API key is not valid.');
}

export function missingKey(): ApiError {
  return new ApiError(
    401,
    'unauthorized',
    'An API key is required: send it as "Authorization: Bearer sk_…" (POST /api/decision also accepts org_api_key in the body).',
  );
}

export function wrongKeyKind(needed: string): ApiError {
  return new ApiError(403, 'forbidden', `This endpoint needs ${needed === 'admin' ? 'an admin' : 'a decision'} key.`);
}

/** What a foreign id and a nonexistent id both answer, so neither can be told apart. */
export function notFound(what: string, field: string | null): ApiError {
  return new ApiError(404, 'not_found', `No ${what} with this id.`, field);
}
