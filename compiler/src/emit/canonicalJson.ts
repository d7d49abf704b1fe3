// Canonical JSON (RFC 8785 JCS for the values the IR holds): object keys sorted by UTF-16
// code units, no whitespace, numbers and strings as ECMAScript serializes them. Two IRs with
// the same meaning and layout-independent content therefore hash the same.

/** IR objects come in few shapes; sorting each shape's keys once keeps hashing linear. */
const sortedKeys = new Map<string, readonly string[]>();

function keysOf(object: object): readonly string[] {
  const keys = Object.keys(object);
  const signature = keys.join('\u0000');
  let sorted = sortedKeys.get(signature);
  if (!sorted) {
    // Default sort compares UTF-16 code units, which is exactly JCS's order.
    sorted = [...keys].sort();
    sortedKeys.set(signature, sorted);
  }
  return sorted;
}

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
    out.push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  if (typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const key of keysOf(value)) {
      const field = (value as Record<string, unknown>)[key];
      if (field === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      write(field, out);
    }
    out.push('}');
    return;
  }
  throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
}
