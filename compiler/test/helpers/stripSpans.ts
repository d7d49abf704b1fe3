// The syntax tree without source positions, to compare two parses of differently laid-out text.

/** A deep copy of `value` without any `span`, `verbSpan` or `codeSpan` property. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'span' || key === 'verbSpan' || key === 'codeSpan') continue;
      out[key] = stripSpans(inner);
    }
    return out;
  }
  return value;
}
