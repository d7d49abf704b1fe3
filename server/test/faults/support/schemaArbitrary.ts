import fc from 'fast-check';

// Values valid against the JSON Schema subset the server's OpenAPI document uses (objects with
// properties/required/additionalProperties/propertyNames, strings with lengths, patterns and
// enums, bounded numbers, arrays, anyOf/oneOf, nullable). Mutations then make them invalid; a
// valid start matters because it is what reaches the handlers behind validation.

export type JsonSchema = Readonly<Record<string, unknown>>;

const MAX_STRING = 80;

function regexOf(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return null;
    }
  }
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as string[]));
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const maxLength = Math.min(typeof schema['maxLength'] === 'number' ? schema['maxLength'] : MAX_STRING, Math.max(minLength, MAX_STRING));
  const regex = typeof schema['pattern'] === 'string' ? regexOf(schema['pattern']) : null;
  if (schema['format'] === 'date-time') return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());
  if (regex) {
    return fc.stringMatching(regex).filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : -1e9;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : 1e9;
  if (integer) {
    const lo = Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER);
    const hi = Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER);
    return fc.oneof(fc.constantFrom(lo, hi), fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) }), fc.maxSafeInteger().filter((n) => n >= lo && n <= hi));
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** An arbitrary of values the schema accepts (best effort: a few keywords are approximated). */
export function schemaArbitrary(schema: JsonSchema | boolean, depth = 0): fc.Arbitrary<unknown> {
  // A boolean schema (`true`: anything; `false`: nothing) has no value that is more valid than
  // another: anything JSON, which the mutations then vary.
  if (typeof schema === 'boolean') return fc.jsonValue({ maxDepth: 2 });
  const nullable = schema['nullable'] === true;
  const base = nonNullable(schema, depth);
  return nullable ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function nonNullable(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema['const']);
  const alternatives = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) return fc.oneof(...alternatives.map((alt) => schemaArbitrary(alt, depth)));
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema['items'] as JsonSchema | undefined) ?? {};
      const minLength = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      const maxLength = Math.min(typeof schema['maxItems'] === 'number' ? schema['maxItems'] : 5, minLength + 5);
      const itemArb = depth > 4 ? fc.constant(null) : schemaArbitrary(items, depth + 1);
      return schema['uniqueItems'] === true
        ? fc.uniqueArray(itemArb, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(itemArb, { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(schema, depth);
    default:
      // No type: anything JSON.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema['properties'] as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  const known: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) known[name] = depth > 4 ? fc.constant(null) : schemaArbitrary(property, depth + 1);
  const optional = Object.keys(known).filter((name) => !required.has(name));
  const fixed = fc.record(known, { requiredKeys: [...required].filter((name) => name in known) });
  const extra = schema['additionalProperties'];
  if (typeof extra === 'object' && extra !== null && depth <= 4) {
    const names = (schema['propertyNames'] as JsonSchema | undefined) ?? { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,40}$' };
    const max = typeof schema['maxProperties'] === 'number' ? Math.min(schema['maxProperties'], 6) : 6;
    const map = fc.dictionary(stringArbitrary({ ...names, type: 'string' }), schemaArbitrary(extra as JsonSchema, depth + 1), { maxKeys: max });
    return fc.tuple(fixed, map).map(([a, b]) => ({ ...b, ...a }));
  }
  void optional;
  return fixed;
}
