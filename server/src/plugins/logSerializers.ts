// What a logged error may show. Client libraries attach the failed request to their errors
// (the Slack SDK's axios error carries `config.headers.Authorization: Bearer xoxb-…`), so an
// error is logged by its name, code, message and stack, and its causes the same way; never by
// the objects hanging off it.

interface Serialized {
  [key: string]: unknown;
  type: string;
  message: string;
  code?: string;
  statusCode?: number;
  stack: string;
  cause?: Serialized;
}

export function safeError(error: unknown, depth = 0): Serialized {
  if (!(error instanceof Error)) return { type: typeof error, message: typeof error === 'string' ? error : 'a non-Error value was thrown', stack: '' };
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    stack: error.stack ?? '',
    ...(error.cause !== undefined && depth < 3 ? { cause: safeError(error.cause, depth + 1) } : {}),
  };
}
