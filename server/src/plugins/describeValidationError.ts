// Turns Ajv's first validation error into one clear sentence naming the field. The wording of
// what is allowed comes from the schema's own `description`, so the schema stays the single
// place that defines a field.

export interface AjvErrorLike {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

type SchemaNode = Readonly<Record<string, unknown>>;

export interface ValidationProblem {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

const PART_NAMES: Readonly<Record<string, string>> = {
  body: 'request body',
  querystring: 'query string',
  params: 'URL',
  headers: 'headers',
};

export function describeValidationError(
  errors: readonly AjvErrorLike[],
  context: string,
  schema: unknown,
  data: unknown,
): ValidationProblem {
  // anyOf reports one error per branch and then itself; every one of them points at the same
  // instance, and the description of that instance explains all branches at once.
  const error = errors[0];
  if (!error) return { code: 'invalid_request', message: 'The request is not valid.', field: null };
  const path = pointerToPath(error.instancePath);

  if (error.keyword === 'additionalProperties') {
    const name = String(error.params['additionalProperty']);
    const node = schemaAt(schema, path);
    const allowed = node && isRecord(node['properties']) ? Object.keys(node['properties']) : [];
    const field = [...path, name].join('.');
    return {
      code: 'unknown_field',
      message: `Unknown field "${field}" in the ${PART_NAMES[context] ?? context}${allowed.length > 0 ? `; allowed fields: ${allowed.join(', ')}` : ''}.`,
      field,
    };
  }

  if (error.keyword === 'required') {
    const name = String(error.params['missingProperty']);
    const fieldPath = [...path, name];
    const description = descriptionOf(schemaAt(schema, fieldPath));
    const field = fieldPath.join('.');
    return {
      code: 'missing_field',
      message: `"${field}" is required${description ? `: it must be ${description}` : ''}.`,
      field,
    };
  }

  if (path.length === 0) {
    const what = context === 'body' ? 'The request body must be a JSON object' : `The ${PART_NAMES[context] ?? context} is not valid`;
    return { code: 'invalid_request', message: `${what}; got ${describeValue(data)}.`, field: null };
  }

  const field = path.join('.');
  const node = schemaAt(schema, path);
  const description = descriptionOf(node);
  const value = valueAt(data, path);
  if (error.keyword === 'propertyNames' || error.keyword === 'maxProperties') {
    return {
      code: 'invalid_field',
      message: `"${field}" must be ${description ?? 'valid'}${error.keyword === 'propertyNames' ? `; the key ${describeValue(error.params['propertyName'])} is not allowed` : ''}.`,
      field,
    };
  }
  return {
    code: 'invalid_field',
    message: `"${field}" must be ${description ?? (error.message ?? 'valid')}; got ${describeValue(value)}.`,
    field,
  };
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isRecord(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaAt(schema: unknown, path: readonly string[]): SchemaNode | null {
  let node: unknown = schema;
  for (const part of path) {
    if (!isRecord(node)) return null;
    const properties = node['properties'];
    if (isRecord(properties) && isRecord(properties[part])) node = properties[part];
    else if (isRecord(node['additionalProperties'])) node = node['additionalProperties'];
    else return null;
  }
  return isRecord(node) ? node : null;
}

function descriptionOf(node: SchemaNode | null): string | null {
  const description = node?.['description'];
  return typeof description === 'string' ? description : null;
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const part of path) {
    if (!isRecord(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** A short, safe rendering of what the client sent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'a number too large to represent';
    return `the number ${String(value)}`;
  }
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
