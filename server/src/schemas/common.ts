import { Type } from 'typebox';

// Shared schema pieces. Each `description` is written to complete the sentence
// "`field` must be …", because the error handler uses it to say what is allowed.

/** Printable ASCII without spaces (U+0021..U+007E). */
export const ID_PATTERN = '^[\\x21-\\x7E]+$';

/** Any text without control characters or lone surrogates (canonical JSON refuses those). */
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F\\uD800-\\uDFFF]*$';

export function idString(description: string, maxLength = 255) {
  return Type.String({ minLength: 1, maxLength, pattern: ID_PATTERN, description });
}

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine-readable code' }),
      message: Type.String({ description: 'what was wrong and what is allowed' }),
      field: Type.Union([Type.String(), Type.Null()], { description: 'the request field at fault (dotted path), or null' }),
    }, { additionalProperties: true }),
  },
  { $id: 'Error', description: 'Every error has this shape.' },
);

/** Error responses a route can give, for the OpenAPI document. */
export function errorResponses(...codes: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(codes.map((code) => [code, ErrorSchema]));
}

export const IsoTimestamp = Type.String({
  description: 'an ISO 8601 UTC timestamp such as 2026-04-28T14:32:11.061Z',
});
