// The settings of an export sink, as given to POST /api/exports or on one line of the server's
// config file. One schema describes every field (so the API validates types and unknown fields
// with it); `parseSinkSettings` then applies what depends on the sink's type (which fields are
// required, which belong to another type), so both entry points give the same answers.

import { isAbsolute, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import Value from 'typebox/value';
import type { ExportSinkType } from '../repositories/types.js';

export const SINK_TYPES = ['files', 'splunk', 'datadog', 's3'] as const satisfies readonly ExportSinkType[];
export const EVENT_FORMATS = ['ocsf', 'ecs'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

export const DATADOG_DEFAULT_URL = 'https://http-intake.logs.datadoghq.com';
/** Datadog's per-request limit; the other sinks allow larger batches. */
export const DATADOG_MAX_ENTRIES = 1000;
const MAX_BATCH = 10_000;

const PRINTABLE = '^[\\x20-\\x7E]+$';
const HTTP_URL = '^https?://[\\x21-\\x7E]+$';

export const SINK_FIELDS = {
  type: Type.Union([Type.Literal('files'), Type.Literal('splunk'), Type.Literal('datadog'), Type.Literal('s3')], { description: `one of ${SINK_TYPES.join(', ')}` }),
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_.-]*$', description: 'lower-case letters, digits, _ . - (1–64), unique per organisation in the config file' }),
  format: Type.Union([Type.Literal('ocsf'), Type.Literal('ecs')], { description: 'ocsf (default) or ecs' }),
  batch_size: Type.Integer({ minimum: 1, maximum: MAX_BATCH, description: `the most records per batch, an integer from 1 to ${MAX_BATCH} (datadog: ${DATADOG_MAX_ENTRIES})` }),
  // files
  dir: Type.String({ minLength: 1, maxLength: 1000, pattern: PRINTABLE, description: 'an absolute directory path' }),
  // splunk, datadog
  url: Type.String({ minLength: 8, maxLength: 2000, pattern: HTTP_URL, description: 'an http(s) base URL, e.g. https://splunk.example.com:8088' }),
  token: Type.String({ minLength: 1, maxLength: 500, pattern: '^[\\x21-\\x7E]+$', description: 'the HTTP Event Collector token' }),
  index: Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$', description: 'a Splunk index name' }),
  source: Type.String({ minLength: 1, maxLength: 200, pattern: PRINTABLE, description: 'the Splunk source (default axiru)' }),
  sourcetype: Type.String({ minLength: 1, maxLength: 200, pattern: PRINTABLE, description: 'the Splunk sourcetype (default axiru:ocsf or axiru:ecs)' }),
  api_key: Type.String({ minLength: 1, maxLength: 500, pattern: '^[\\x21-\\x7E]+$', description: 'a Datadog API key' }),
  service: Type.String({ minLength: 1, maxLength: 200, pattern: PRINTABLE, description: 'the Datadog service (default axiru)' }),
  tags: Type.String({ minLength: 1, maxLength: 2000, pattern: PRINTABLE, description: 'Datadog ddtags, e.g. env:prod,team:finance' }),
  hostname: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$', description: 'the Datadog hostname' }),
  // s3
  bucket: Type.String({ minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]*[a-z0-9]$', description: 'an S3 bucket name' }),
  prefix: Type.String({ minLength: 1, maxLength: 500, pattern: '^[^/\\x00-\\x1F\\x7F][^\\x00-\\x1F\\x7F]*$', description: 'a key prefix not starting with /' }),
  region: Type.String({ minLength: 1, maxLength: 50, pattern: '^[a-z0-9-]+$', description: 'an AWS region such as eu-west-1 (default us-east-1)' }),
  endpoint: Type.String({ minLength: 8, maxLength: 2000, pattern: HTTP_URL, description: 'an S3-compatible endpoint URL' }),
  force_path_style: Type.Boolean({ description: 'true or false (true for most S3-compatible servers)' }),
  access_key_id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$', description: 'an access key id' }),
  secret_access_key: Type.String({ minLength: 1, maxLength: 500, pattern: '^[\\x21-\\x7E]+$', description: 'a secret access key' }),
  session_token: Type.String({ minLength: 1, maxLength: 5000, pattern: '^[\\x21-\\x7E]+$', description: 'a session token' }),
};

type FieldName = keyof typeof SINK_FIELDS;

/** The body of POST /api/exports. */
export const SinkBodySchema = Type.Object({
  type: SINK_FIELDS.type,
  name: Type.Optional(SINK_FIELDS.name),
  format: Type.Optional(SINK_FIELDS.format),
  batch_size: Type.Optional(SINK_FIELDS.batch_size),
  dir: Type.Optional(SINK_FIELDS.dir),
  url: Type.Optional(SINK_FIELDS.url),
  token: Type.Optional(SINK_FIELDS.token),
  index: Type.Optional(SINK_FIELDS.index),
  source: Type.Optional(SINK_FIELDS.source),
  sourcetype: Type.Optional(SINK_FIELDS.sourcetype),
  api_key: Type.Optional(SINK_FIELDS.api_key),
  service: Type.Optional(SINK_FIELDS.service),
  tags: Type.Optional(SINK_FIELDS.tags),
  hostname: Type.Optional(SINK_FIELDS.hostname),
  bucket: Type.Optional(SINK_FIELDS.bucket),
  prefix: Type.Optional(SINK_FIELDS.prefix),
  region: Type.Optional(SINK_FIELDS.region),
  endpoint: Type.Optional(SINK_FIELDS.endpoint),
  force_path_style: Type.Optional(SINK_FIELDS.force_path_style),
  access_key_id: Type.Optional(SINK_FIELDS.access_key_id),
  secret_access_key: Type.Optional(SINK_FIELDS.secret_access_key),
  session_token: Type.Optional(SINK_FIELDS.session_token),
}, { additionalProperties: false });
export type SinkBody = Static<typeof SinkBodySchema>;

function describe(name: FieldName): string {
  return (SINK_FIELDS[name] as { description?: string }).description ?? 'valid';
}

/** A line of the config file: a sink body plus the organisation it belongs to. */
export const ConfigLineSchema = Type.Object(
  {
    ...SinkBodySchema.properties,
    org: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7E]+$', description: 'an organisation id (optional when there is one)' })),
  },
  { additionalProperties: false },
);

const COMMON: readonly FieldName[] = ['type', 'name', 'format', 'batch_size'];
const FIELDS: Readonly<Record<ExportSinkType, { required: readonly FieldName[]; optional: readonly FieldName[] }>> = {
  files: { required: ['dir'], optional: [] },
  splunk: { required: ['url', 'token'], optional: ['index', 'source', 'sourcetype'] },
  datadog: { required: ['api_key'], optional: ['url', 'service', 'tags', 'hostname'] },
  s3: {
    required: ['bucket'],
    optional: ['prefix', 'region', 'endpoint', 'force_path_style', 'access_key_id', 'secret_access_key', 'session_token'],
  },
};

/** Fields never shown back (GET /api/exports shows "[redacted]"). */
export const SECRET_FIELDS: readonly string[] = ['token', 'api_key', 'secret_access_key', 'session_token'];

interface Common {
  readonly name: string;
  readonly format: EventFormat;
  readonly batch_size: number;
}
export interface FilesSettings extends Common { readonly type: 'files'; readonly dir: string }
export interface SplunkSettings extends Common {
  readonly type: 'splunk'; readonly url: string; readonly token: string;
  readonly index?: string; readonly source?: string; readonly sourcetype?: string;
}
export interface DatadogSettings extends Common {
  readonly type: 'datadog'; readonly url: string; readonly api_key: string;
  readonly service?: string; readonly tags?: string; readonly hostname?: string;
}
export interface S3Settings extends Common {
  readonly type: 's3'; readonly bucket: string; readonly prefix?: string; readonly region?: string; readonly endpoint?: string;
  readonly force_path_style?: boolean; readonly access_key_id?: string; readonly secret_access_key?: string; readonly session_token?: string;
}
export type SinkSettings = FilesSettings | SplunkSettings | DatadogSettings | S3Settings;

export class SinkConfigError extends Error {
  override readonly name = 'SinkConfigError';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const DEFAULT_BATCH: Readonly<Record<ExportSinkType, number>> = { files: 1000, splunk: 500, datadog: DATADOG_MAX_ENTRIES, s3: 1000 };

function validUrl(value: string, field: string): void {
  try {
    new URL(value);
  } catch {
    throw new SinkConfigError(field, `"${field}" is not a valid URL: ${JSON.stringify(value)}.`);
  }
}

/**
 * The settings of a sink whose fields already have the right types (checked against
 * SinkBodySchema). `baseDir` resolves a relative files `dir` (config-file lines); without it a
 * relative dir is an error.
 */
export function parseSinkSettings(input: SinkBody, baseDir?: string): SinkSettings {
  const type: ExportSinkType = input.type;
  const fields = FIELDS[type];
  const allowed = new Set<string>([...COMMON, ...fields.required, ...fields.optional]);
  for (const name of Object.keys(input)) {
    if (name === 'org') continue;
    if (!allowed.has(name)) {
      throw new SinkConfigError(name, `"${name}" is not a setting of a ${type} sink; its settings are: ${[...allowed].join(', ')}.`);
    }
  }
  for (const name of fields.required) {
    if ((input as Record<string, unknown>)[name] === undefined) {
      throw new SinkConfigError(name, `"${name}" is required for a ${type} sink: it must be ${describe(name)}.`);
    }
  }
  const batchSize = input.batch_size ?? DEFAULT_BATCH[type];
  if (type === 'datadog' && batchSize > DATADOG_MAX_ENTRIES) {
    throw new SinkConfigError('batch_size', `"batch_size" of a datadog sink must be at most ${DATADOG_MAX_ENTRIES} (Datadog's limit per request); got ${batchSize}.`);
  }
  const common = { name: input.name ?? type, format: input.format ?? 'ocsf', batch_size: batchSize } as const;
  const pick = (names: readonly FieldName[]): Record<string, unknown> =>
    Object.fromEntries(names.filter((name) => (input as Record<string, unknown>)[name] !== undefined).map((name) => [name, (input as Record<string, unknown>)[name]]));
  switch (type) {
    case 'files': {
      const dir = input.dir as string;
      if (!isAbsolute(dir) && baseDir === undefined) throw new SinkConfigError('dir', `"dir" must be an absolute directory path; got ${JSON.stringify(dir)}.`);
      return { type, ...common, dir: resolve(baseDir ?? '/', dir) };
    }
    case 'splunk':
      validUrl(input.url as string, 'url');
      return { type, ...common, ...pick(['url', 'token', 'index', 'source', 'sourcetype']) } as SplunkSettings;
    case 'datadog':
      if (input.url !== undefined) validUrl(input.url, 'url');
      return { type, ...common, url: input.url ?? DATADOG_DEFAULT_URL, ...pick(['api_key', 'service', 'tags', 'hostname']) } as DatadogSettings;
    case 's3':
      if (input.endpoint !== undefined) validUrl(input.endpoint, 'endpoint');
      if ((input.access_key_id === undefined) !== (input.secret_access_key === undefined)) {
        const missing = input.access_key_id === undefined ? 'access_key_id' : 'secret_access_key';
        throw new SinkConfigError(missing, `"access_key_id" and "secret_access_key" go together; "${missing}" is missing.`);
      }
      return { type, ...common, ...pick(['bucket', ...FIELDS.s3.optional]) } as S3Settings;
  }
}

/**
 * Checks a config-file line (no Ajv there) against ConfigLineSchema and parses it. Errors name
 * the field as `exports[i].field`.
 */
export function parseConfigLine(line: unknown, index: number, baseDir: string): { org: string | null; settings: SinkSettings } {
  const where = `exports[${index}]`;
  if (typeof line !== 'object' || line === null || Array.isArray(line)) {
    throw new SinkConfigError(where, `${where} must be an object such as {"type":"splunk","url":"…","token":"…"}.`);
  }
  const first = [...Value.Errors(ConfigLineSchema, line)][0];
  if (first) {
    if (first.keyword === 'required') {
      throw new SinkConfigError(`${where}.type`, `${where}.type is required: it must be ${describe('type')}.`);
    }
    const name = first.instancePath.split('/')[1] ?? '';
    const schema = (ConfigLineSchema.properties as Record<string, { description?: string }>)[name];
    if (!schema) {
      const allowed = Object.keys(ConfigLineSchema.properties).join(', ');
      throw new SinkConfigError(`${where}.${name}`, `Unknown setting ${where}.${name}; allowed: ${allowed}.`);
    }
    throw new SinkConfigError(`${where}.${name}`, `${where}.${name} must be ${schema.description ?? 'valid'}; got ${JSON.stringify((line as Record<string, unknown>)[name])}.`);
  }
  const { org, ...body } = line as SinkBody & { org?: string };
  try {
    return { org: org ?? null, settings: parseSinkSettings(body, baseDir) };
  } catch (error) {
    if (error instanceof SinkConfigError) throw new SinkConfigError(`${where}.${error.field}`, `${where}.${error.field}: ${error.message}`);
    throw error;
  }
}

/** The settings as shown by the API: secrets replaced. */
export function redactedSettings(settings: SinkSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, SECRET_FIELDS.includes(key) ? '[redacted]' : value]));
}
