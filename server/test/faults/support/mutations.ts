// Hostile changes to a valid request body, each one a kind of input a careless or malicious
// client sends: wrong types, huge numbers, deep nesting, long strings, invalid UTF-8, duplicate
// and prototype keys, truncation. Bodies are built as text (and then bytes) rather than with
// JSON.stringify alone, because duplicate keys, `__proto__` members and invalid UTF-8 cannot be
// expressed as JavaScript values.

import { Rng } from '../../../../compiler/test/fuzz/policyMutations.js';

export { Rng };

/** Extra members emitted verbatim after an object's own members (duplicates, `__proto__`). */
export const RAW_MEMBERS = Symbol('raw members');
/** JSON written exactly as this text: numbers beyond what a JavaScript number can spell, deep nesting. */
export class RawNumber {
  constructor(readonly text: string) {}
}

type Raw = { [RAW_MEMBERS]?: Array<[string, string]> };

/** JSON text of a value, honouring RAW_MEMBERS and RawNumber. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    for (const [k, text] of (value as Raw)[RAW_MEMBERS] ?? []) members.push(`${JSON.stringify(k)}:${text}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value) ?? 'null';
}

const WRONG_TYPES: readonly unknown[] = ['x', '', '100', 0, -1, 1.5, true, false, null, [], {}, [1, 'a'], { a: 1 }, 'null', '1e9999'];
/** A fresh copy each time: a shared object inserted twice could later be made to contain itself. */
function wrongType(rng: Rng): unknown {
  return structuredClone(rng.pick(WRONG_TYPES));
}
const HUGE_NUMBERS: readonly RawNumber[] = [
  '1e308', '-1e308', '1e400', '-1e400', '9007199254740993', '-9007199254740993', '1e21', '-0', '0.1', '5e-324',
  '123456789012345678901234567890123456789', `1${'0'.repeat(600)}`, '1.0000000000000000000000001', '1E+2', '4294967296',
].map((text) => new RawNumber(text));
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];

/** Every object and array inside `root`, with a setter for the slot holding it. */
interface Slot {
  readonly container: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

function slots(root: unknown, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 8) return out;
  if (Array.isArray(root)) {
    root.forEach((item, index) => {
      out.push({ container: root, key: index });
      slots(item, out, depth + 1);
    });
  } else if (typeof root === 'object' && root !== null && !(root instanceof RawNumber)) {
    for (const [key, item] of Object.entries(root)) {
      out.push({ container: root as Record<string, unknown>, key });
      slots(item, out, depth + 1);
    }
  }
  return out;
}

function objects(root: unknown, out: Array<Record<string, unknown>> = [], depth = 0): Array<Record<string, unknown>> {
  if (depth > 8) return out;
  if (Array.isArray(root)) for (const item of root) objects(item, out, depth + 1);
  else if (typeof root === 'object' && root !== null && !(root instanceof RawNumber)) {
    out.push(root as Record<string, unknown>);
    for (const item of Object.values(root)) objects(item, out, depth + 1);
  }
  return out;
}

function setSlot(slot: Slot, value: unknown): void {
  (slot.container as Record<string | number, unknown>)[slot.key] = value;
}

/** Nesting as text: thousands of levels would overflow a recursive serializer here. */
function nested(rng: Rng): RawNumber {
  // Mostly moderate; now and then past what a recursive parser or validator survives.
  const depth = rng.pick([50, 50, 200, 1_000, 1_000, 5_000, 20_000]);
  const leaf = rng.pick(['1', '"x"', 'null', '{}']);
  return rng.chance(0.5)
    ? new RawNumber(`${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`)
    : new RawNumber(`${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`);
}

function longString(rng: Rng): string {
  // Mostly over the fields' maxima; now and then near or over the 64 KiB body limit.
  const length = rng.pick([257, 257, 1_000, 1_000, 4_000, 10_000, 60_000, 70_000]);
  const unit = rng.pick(['a', 'é', '😀', '\u0000', '\u202e', '"', '\\', '\ud800', ' ', '\n']);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export const VALUE_MUTATIONS = ['wrong_type', 'huge_number', 'deep_nesting', 'long_string', 'drop_field', 'unknown_field', 'prototype_key', 'duplicate_key', 'replace_root'] as const;
export type ValueMutation = (typeof VALUE_MUTATIONS)[number];

/**
 * Applies one value-level mutation in place (on a deep copy the caller made) and returns the
 * new root; objects may gain RAW_MEMBERS, which only toJsonText writes out.
 */
export function mutateValue(root: unknown, kind: ValueMutation, rng: Rng): unknown {
  const all = slots(root);
  const slot = all.length > 0 ? rng.pick(all) : null;
  const replace = (value: unknown): unknown => {
    if (slot === null) return value;
    setSlot(slot, value);
    return root;
  };
  switch (kind) {
    case 'wrong_type':
      return replace(wrongType(rng));
    case 'huge_number':
      return replace(rng.pick(HUGE_NUMBERS));
    case 'deep_nesting':
      return replace(nested(rng));
    case 'long_string':
      return replace(longString(rng));
    case 'drop_field': {
      const objs = objects(root);
      const obj = objs.length > 0 ? rng.pick(objs) : null;
      const keys = obj ? Object.keys(obj) : [];
      if (obj && keys.length > 0) delete obj[rng.pick(keys)];
      return root;
    }
    case 'unknown_field': {
      const objs = objects(root);
      if (objs.length === 0) return { unexpected: wrongType(rng) };
      rng.pick(objs)[rng.pick(['unexpected', 'extra', 'a'.repeat(300), '', ' ', 'é', '\u0000'])] = wrongType(rng);
      return root;
    }
    case 'prototype_key': {
      const objs = objects(root);
      const target = (objs.length > 0 ? rng.pick(objs) : (root = {})) as Raw;
      const payload = rng.pick(['{"polluted":true}', '{"isAdmin":true,"roles":["admin"]}', 'null', '1', '"x"', '[]', '{"__proto__":{"x":1}}']);
      (target[RAW_MEMBERS] ??= []).push([rng.pick(PROTO_KEYS), payload]);
      return root;
    }
    case 'duplicate_key': {
      const objs = objects(root).filter((o) => Object.keys(o).length > 0);
      if (objs.length === 0) return root;
      const target = rng.pick(objs);
      const key = rng.pick(Object.keys(target));
      ((target as Raw)[RAW_MEMBERS] ??= []).push([key, toJsonText(rng.chance(0.8) ? wrongType(rng) : target[key])]);
      return root;
    }
    case 'replace_root':
      return rng.pick([wrongType(rng), nested(rng), longString(rng)]);
    default:
      throw new Error(`unknown mutation ${String(kind satisfies never)}`);
  }
}

export const BYTE_MUTATIONS = ['invalid_utf8', 'lone_surrogate_escape', 'truncate', 'garbage', 'bom', 'nul_bytes', 'none'] as const;
export type ByteMutation = (typeof BYTE_MUTATIONS)[number];

const INVALID_UTF8: readonly number[][] = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xfe, 0xff, 0xff]];

/** A byte-level mutation of the body's text, such as invalid UTF-8 inside a string. */
export function mutateBytes(text: string, kind: ByteMutation, rng: Rng): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  switch (kind) {
    case 'invalid_utf8': {
      // Prefer inside a string literal, where a parser must decode it.
      const quotes: number[] = [];
      for (let i = bytes.indexOf(0x22); i >= 0 && quotes.length < 64; i = bytes.indexOf(0x22, i + 1)) quotes.push(i + 1);
      const at = quotes.length > 0 ? rng.pick(quotes) : rng.int(bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), bytes.subarray(at)]);
    }
    case 'lone_surrogate_escape': {
      const at = text.indexOf('"', text.indexOf(':'));
      if (at < 0) return Buffer.from(`"\\ud800${text}"`);
      return Buffer.from(`${text.slice(0, at + 1)}${rng.pick(['\\ud800', '\\udfff', '\\u0000', '\\uDBFF\\u0041', '\\u'])}${text.slice(at + 1)}`);
    }
    case 'truncate':
      return bytes.subarray(0, rng.int(bytes.length));
    case 'garbage':
      return Buffer.from(rng.pick(['', ' ', 'null', 'true', '[]', '{', '}', '{"a":}', 'NaN', 'Infinity', '\u0000', '{"a":1}{"b":2}', "{'a':1}", '{"a":1,}', 'undefined']));
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'nul_bytes':
      return Buffer.concat([bytes, Buffer.from([0, 0, 0])]);
    case 'none':
      return bytes;
    default:
      throw new Error(`unknown mutation ${String(kind satisfies never)}`);
  }
}

/** Hostile replacements for a path parameter or a query value. */
export function hostileParam(rng: Rng): string {
  return rng.pick([
    '', ' ', '..', '../../etc/passwd', '%', '%zz', '%00', '%ff%fe', '%ed%a0%80', 'é', '😀', 'a'.repeat(rng.pick([100, 1000, 8000])),
    '-1', '0', '1e400', '9007199254740993', 'NaN', 'null', 'undefined', '__proto__', 'constructor', '[object Object]',
    '%2e%2e%2f', 'x?y', 'a%23b', '<script>', "' OR 1=1 --", '{}', '[]', String(rng.int(1e9)),
  ]);
}
