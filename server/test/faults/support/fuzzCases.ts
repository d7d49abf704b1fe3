import fc from 'fast-check';
import { BYTE_MUTATIONS, hostileParam, mutateBytes, mutateValue, Rng, toJsonText, VALUE_MUTATIONS } from './mutations.js';
import { schemaArbitrary, type JsonSchema } from './schemaArbitrary.js';

// Fuzz cases from the server's own OpenAPI document (GET /docs/json): for every operation, a
// request built from its schemas (path parameters, query, JSON body) and then, most of the
// time, mutated. The campaign is a pure function of its seed.

export interface Operation {
  readonly method: string;
  /** The path template, e.g. /api/intents/{id}. */
  readonly path: string;
  readonly pathParams: ReadonlyArray<{ name: string; schema: JsonSchema }>;
  readonly query: ReadonlyArray<{ name: string; schema: JsonSchema }>;
  readonly body: JsonSchema | null;
}

export interface FuzzCase {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
  /** The operation (method and template) the case was made for. */
  readonly operation: string;
  /** What was done to it, for reports. */
  readonly mutation: string;
}

export interface Keys {
  readonly decision: string;
  readonly admin: string;
  /**
   * An admin key of another organisation, for /api/org/limits: a valid fuzzed PUT would
   * otherwise throttle the rest of the campaign (a 429 is a correct answer, but it stops
   * every later request from reaching validation).
   */
  readonly limitsAdmin?: string;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, {
    parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  }>>;
}

/** Every operation of the document, except the docs pages themselves. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path.startsWith('/docs')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content;
      const body = content ? (content['application/json']?.schema ?? Object.values(content)[0]?.schema ?? {}) : null;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } })),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } })),
        body,
      });
    }
  }
  return operations;
}

interface Drawn {
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly seed: number;
}

function drawnArbitrary(op: Operation, hints: Readonly<Record<string, fc.Arbitrary<unknown>>>): fc.Arbitrary<Drawn> {
  const params: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of op.pathParams) params[p.name] = hints[`param:${p.name}`] ?? schemaArbitrary(p.schema);
  const query: Record<string, fc.Arbitrary<unknown>> = {};
  for (const q of op.query) query[q.name] = schemaArbitrary(q.schema);
  const hinted = hints[`body:${op.method} ${op.path}`];
  const body = op.body === null ? fc.constant(undefined) : hinted ? fc.oneof(hinted, schemaArbitrary(op.body)) : schemaArbitrary(op.body);
  return fc.record({
    params: fc.record(params),
    query: fc.record(query, { requiredKeys: [] }),
    body,
    seed: fc.integer(),
  });
}

const SAFE_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/;

function pathSegment(value: string): string {
  // Raw when the HTTP client accepts it (so '%zz' and '..' arrive as typed), encoded otherwise.
  return SAFE_PATH.test(value) ? value : encodeURIComponent(value);
}

function build(op: Operation, drawn: Drawn, keys: Keys): FuzzCase {
  const rng = new Rng(drawn.seed);
  const mutations: string[] = [];
  let path = op.path;
  for (const p of op.pathParams) {
    let value = String(drawn.params[p.name]);
    if (rng.chance(0.15)) {
      value = hostileParam(rng);
      mutations.push(`param:${p.name}`);
    }
    path = path.replace(`{${p.name}}`, pathSegment(value));
  }
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(drawn.query)) {
    if (value === undefined) continue;
    if (rng.chance(0.1)) {
      search.append(name, hostileParam(rng));
      mutations.push(`query:${name}`);
    } else {
      search.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (rng.chance(0.03)) {
      search.append(name, 'again');
      mutations.push(`query:${name}:repeated`);
    }
  }
  if (rng.chance(0.03)) {
    search.append(rng.pick(['unknown', '__proto__', 'constructor', 'limit']), hostileParam(rng));
    mutations.push('query:extra');
  }
  const query = search.toString();

  const headers: Record<string, string> = {};
  const isDecision = op.path === '/api/decision';
  const admin = op.path === '/api/org/limits' ? (keys.limitsAdmin ?? keys.admin) : keys.admin;
  const auth = rng.next();
  if (auth < 0.9) headers['authorization'] = `Bearer ${isDecision ? keys.decision : admin}`;
  else if (auth < 0.94) headers['authorization'] = `Bearer ${isDecision ? keys.admin : keys.decision}`;
  else if (auth < 0.97) headers['authorization'] = rng.pick(['Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer sk_test_${'A'.repeat(43)}`, `Bearer ${'x'.repeat(4000)}`, 'Bearer sk_user_x']);
  if (auth >= 0.9) mutations.push('auth');
  if (isDecision && rng.chance(0.2)) {
    headers['idempotency-key'] = rng.chance(0.8) ? `fz-${drawn.seed}` : rng.pick(['', ' ', 'x'.repeat(300), 'é'.normalize('NFD').replace(/[^\x20-\x7e]/g, '?'), '__proto__']);
  }

  let body: Buffer | null = null;
  if (op.body !== null || (op.method !== 'GET' && op.method !== 'DELETE' && rng.chance(0.5))) {
    let value: unknown = structuredClone(drawn.body ?? {});
    if (rng.chance(0.8)) {
      const count = 1 + rng.int(3);
      for (let i = 0; i < count; i += 1) {
        const kind = rng.pick(VALUE_MUTATIONS);
        value = mutateValue(value, kind, rng);
        mutations.push(kind);
      }
    }
    const byteKind = rng.chance(0.25) ? rng.pick(BYTE_MUTATIONS) : 'none';
    if (byteKind !== 'none') mutations.push(byteKind);
    body = mutateBytes(toJsonText(value), byteKind, rng);
    const type = rng.next();
    headers['content-type'] = type < 0.92 ? 'application/json'
      : rng.pick(['text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/JSON', 'application/json;;', '']);
    if (type >= 0.92) mutations.push('content_type');
  }
  return {
    method: op.method,
    url: `${path}${query === '' ? '' : `?${query}`}`,
    headers,
    body,
    operation: `${op.method} ${op.path}`,
    mutation: mutations.length === 0 ? 'valid' : mutations.join('+'),
  };
}

/**
 * `count` cases spread over the operations (each operation equally likely, decisions thrice),
 * the same for the same seed. `hints` add realistic values (e.g. a declared source) so some
 * requests pass validation and reach the handlers.
 */
export function* fuzzCases(
  operations: readonly Operation[], keys: Keys, seed: number, count: number, chunk = 2_000,
  hints: Readonly<Record<string, fc.Arbitrary<unknown>>> = {},
): Generator<FuzzCase> {
  // One arbitrary per operation, built once (building them per draw costs more than drawing).
  const perOperation = operations.map((op) => drawnArbitrary(op, hints).map((drawn) => ({ op, drawn })));
  const arbitrary = fc.oneof(...perOperation.map((arb, index) => ({ arbitrary: arb, weight: operations[index]!.path === '/api/decision' ? 3 : 1 })));
  // Each drawn request is mutated VARIANTS ways: drawing from the schemas costs more than mutating.
  for (let done = 0, round = 0; done < count; round += 1) {
    const n = Math.min(chunk, count - done);
    const draws = fc.sample(arbitrary, { seed: seed + round, numRuns: Math.ceil(n / VARIANTS) });
    for (let i = 0; i < n; i += 1) {
      const { op, drawn } = draws[Math.floor(i / VARIANTS)]!;
      yield build(op, { ...drawn, seed: drawn.seed + (i % VARIANTS) * 7919 }, keys);
    }
    done += n;
  }
}

const VARIANTS = 8;
