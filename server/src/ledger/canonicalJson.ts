// RFC 8785 JSON Canonicalization Scheme (JCS): the byte-exact form a ledger record is hashed in.
// Keys are sorted by UTF-16 code units, there is no whitespace, strings use JSON.stringify's
// escaping and numbers use ECMAScript's Number-to-String (which JCS adopts verbatim).
// Input must be I-JSON (RFC 7493): finite numbers only and no lone surrogates, so that two
// implementations can never disagree about a record's bytes.

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** The canonical JSON text of `value`. Throws CanonicalJsonError on what I-JSON forbids. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, '$');
  return parts.join('');
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path} is not a finite number`);
      // Number-to-String is exactly JCS's algorithm, and it already prints -0 as "0".
      out.push(String(value));
      return;
    case 'string':
      out.push(quote(value, path));
      return;
    case 'object':
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item: unknown, index) => {
          if (index > 0) out.push(',');
          if (item === undefined) throw new CanonicalJsonError(`${path}[${index}] is undefined`);
          write(item, out, `${path}[${index}]`);
        });
        out.push(']');
        return;
      }
      writeObject(value as Record<string, unknown>, out, path);
      return;
    default:
      throw new CanonicalJsonError(`${path} has type ${typeof value}, which JSON cannot represent`);
  }
}

function writeObject(value: Record<string, unknown>, out: string[], path: string): void {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CanonicalJsonError(`${path} is not a plain object`);
  }
  // Default sort compares UTF-16 code units, which is the order JCS prescribes.
  const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
  out.push('{');
  keys.forEach((key, index) => {
    if (index > 0) out.push(',');
    out.push(quote(key, path), ':');
    write(value[key], out, `${path}.${key}`);
  });
  out.push('}');
}

function quote(text: string, path: string): string {
  if (LONE_SURROGATE.test(text)) throw new CanonicalJsonError(`${path} contains a lone surrogate`);
  // JSON.stringify escapes exactly what JCS requires: " \ and U+0000..U+001F (with the
  // short forms \b \f \n \r \t), and nothing else.
  return JSON.stringify(text);
}
