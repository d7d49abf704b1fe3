// Canonical JSON lives in the runtime because everything that hashes agrees on it: the
// compiler (IR hash) and the server (ledger records) both import it from here.
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
/** Strings JSON.stringify would copy verbatim between quotes: the common case, done without it. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** `<` on strings compares UTF-16 code units, the order JCS prescribes. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where a bad value sits, built only when there is an error to report (this runs per record). */
type Path = { readonly parent: Path; readonly key: string | number } | null;

function pathText(path: Path): string {
  const parts: string[] = [];
  for (let at = path; at !== null; at = at.parent) parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  return `$${parts.reverse().join('')}`;
}

/** The canonical JSON text of `value`. Throws CanonicalJsonError on what I-JSON forbids. */
export function canonicalJson(value: unknown): string {
  return write(value, null);
}

function write(value: unknown, path: Path): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${pathText(path)} is not a finite number`);
      // Number-to-String is exactly JCS's algorithm, and it already prints -0 as "0".
      return String(value);
    case 'string':
      return quote(value, path);
    case 'object':
      return Array.isArray(value) ? writeArray(value, path) : writeObject(value as Record<string, unknown>, path);
    default:
      throw new CanonicalJsonError(`${pathText(path)} has type ${typeof value}, which JSON cannot represent`);
  }
}

function writeArray(value: readonly unknown[], path: Path): string {
  let out = '[';
  for (let index = 0; index < value.length; index += 1) {
    const item = value[index];
    if (item === undefined) throw new CanonicalJsonError(`${pathText({ parent: path, key: index })} is undefined`);
    out += (index > 0 ? ',' : '') + write(item, { parent: path, key: index });
  }
  return `${out}]`;
}

function writeObject(value: Record<string, unknown>, path: Path): string {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CanonicalJsonError(`${pathText(path)} is not a plain object`);
  }
  const keys = Object.keys(value).sort(byCodeUnits);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${quote(key, path)}:${write(member, { parent: path, key })}`;
    first = false;
  }
  return `${out}}`;
}

function quote(text: string, path: Path): string {
  // JSON.stringify escapes exactly what JCS requires: " \ and U+0000..U+001F (with the
  // short forms \b \f \n \r \t), and nothing else, except that it writes a lone surrogate
  // as \udXXX, which I-JSON forbids. So only output containing "\ud" needs a closer look.
  if (PLAIN.test(text)) return `"${text}"`;
  const quoted = JSON.stringify(text);
  if (quoted.includes('\\ud') && LONE_SURROGATE.test(text)) {
    throw new CanonicalJsonError(`${pathText(path)} contains a lone surrogate`);
  }
  return quoted;
}
