import { compile, toJsonDiagnostic } from '@axiru/compiler';
import { loadPolicy, PolicyLoadError, type LoadedPolicy, type PolicyIR } from '@axiru/runtime';
import { ApiError, notFound } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import type { Repositories, Store, StoredPolicy } from '../repositories/types.js';
import type { PolicyCache } from './PolicyCache.js';
import { requireLists } from './lists.js';

/** The file name diagnostics refer to when a policy is published through the API. */
export const POLICY_FILE_NAME = 'policy.axiru';

export type JsonDiagnostic = ReturnType<typeof toJsonDiagnostic>;

export interface CompiledPolicy {
  readonly source: string;
  readonly ir: PolicyIR;
  readonly loaded: LoadedPolicy;
  /** Warnings and notes; a compiled policy has no errors. */
  readonly diagnostics: readonly JsonDiagnostic[];
}

export interface PublishResult {
  /** False when the identical IR was already published under this version (a no-op). */
  readonly created: boolean;
  readonly policy: StoredPolicy;
  readonly diagnostics: readonly JsonDiagnostic[];
}

export interface ActivateResult {
  /** False when this version was already live (a no-op, nothing sealed). */
  readonly changed: boolean;
  readonly policy: StoredPolicy;
}

/** Compiles policy text; a policy with errors is a 422 carrying every diagnostic. */
export function compilePolicy(source: string, fileName: string = POLICY_FILE_NAME): CompiledPolicy {
  const result = compile(source, { fileName });
  const diagnostics = result.diagnostics.map((d) => toJsonDiagnostic(d, source, fileName));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!result.ok || result.ir === null || errors.length > 0) {
    const first = errors[0];
    const summary = first ? `: ${first.message} (line ${first.line}, column ${first.column})` : '';
    throw new ApiError(422, 'policy_invalid',
      `The policy does not compile: ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}${summary}.`,
      'source', { diagnostics });
  }
  let loaded: LoadedPolicy;
  try {
    loaded = loadPolicy(result.ir);
  } catch (error) {
    // The compiler emitted IR the runtime refuses: report it rather than storing it.
    const detail = error instanceof PolicyLoadError ? error.errors.slice(0, 5).join('; ') : String(error);
    throw new ApiError(422, 'policy_invalid', `The compiled policy was refused by the runtime: ${detail}`, 'source', { diagnostics });
  }
  return { source, ir: result.ir, loaded, diagnostics };
}

/** Publishes a compiled policy inside an open transaction. */
export async function publishCompiled(
  tx: Repositories, chain: ChainAppender, orgId: string, compiled: CompiledPolicy, actor: string, now: Date,
): Promise<PublishResult> {
  const { ir } = compiled;
  const existing = await tx.policies.get(orgId, ir.version);
  if (existing) {
    if (existing.ir_hash === ir.hash) return { created: false, policy: existing, diagnostics: compiled.diagnostics };
    throw new ApiError(409, 'policy_version_exists',
      `Version v${ir.version} is already published with a different policy (${existing.ir_hash}); a version never changes, so raise the number in the policy header (policy "${ir.policy}" version ${ir.version + 1}).`,
      'source');
  }
  await requireLists(tx, orgId, ir.lists ?? [], `The policy ${ir.policy} v${ir.version}`);
  const policy: StoredPolicy = {
    org_id: orgId,
    version: ir.version,
    name: ir.policy,
    ir_hash: ir.hash,
    source: compiled.source,
    created_at: now.toISOString(),
    created_by: actor,
  };
  await tx.policies.putIR(ir.hash, ir);
  await tx.policies.create(policy);
  await chain.append({
    org_id: orgId, kind: 'policy', intent_id: null, time: policy.created_at, actor,
    body: { action: 'publish', policy: ir.policy, policy_version: `v${ir.version}`, ir_hash: ir.hash },
  });
  return { created: true, policy, diagnostics: compiled.diagnostics };
}

/** Refuses (422) a published version naming a list the organisation does not have (lists may be created after publishing). */
export async function requirePolicyLists(tx: Repositories, orgId: string, policy: StoredPolicy): Promise<void> {
  const ir = await tx.policies.getIR(policy.ir_hash);
  await requireLists(tx, orgId, ir?.lists ?? [], `The policy ${policy.name} v${policy.version}`);
}

/** Makes a published version live inside an open transaction. */
export async function activateVersion(
  tx: Repositories, chain: ChainAppender, orgId: string, version: number, actor: string, now: Date,
): Promise<ActivateResult> {
  const policy = await tx.policies.get(orgId, version);
  const org = await tx.organisations.get(orgId);
  if (!policy || !org) throw notFound('policy version', 'version');
  if (org.live_policy_version === version) return { changed: false, policy };
  await requirePolicyLists(tx, orgId, policy);
  await tx.organisations.setLivePolicy(orgId, version);
  const record = await chain.append({
    org_id: orgId, kind: 'policy', intent_id: null, time: now.toISOString(), actor,
    body: {
      action: 'activate',
      policy: policy.name,
      policy_version: `v${version}`,
      ir_hash: policy.ir_hash,
      previous_version: org.live_policy_version === null ? null : `v${org.live_policy_version}`,
    },
  });
  // A version that goes live stops running as a shadow of itself (as with promote).
  const running = await tx.shadows.running(orgId);
  if (running.some((row) => row.version === version)) {
    await tx.shadows.stop(orgId, version, record.seq, record.time, actor);
    await tx.shadows.setRunning(orgId, running.map((row) => row.version).filter((v) => v !== version));
  }
  return { changed: true, policy };
}

export class PolicyService {
  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async publish(orgId: string, source: string, actor: string): Promise<PublishResult> {
    const compiled = compilePolicy(source);
    const result = await this.store.transaction(async (tx) => {
      const chain = new ChainAppender(tx);
      const published = await publishCompiled(tx, chain, orgId, compiled, actor, this.clock());
      await chain.finish();
      return published;
    });
    this.cache.remember(compiled.loaded);
    return result;
  }

  async activate(orgId: string, version: number, actor: string): Promise<ActivateResult> {
    return this.store.transaction(async (tx) => {
      const chain = new ChainAppender(tx);
      const result = await activateVersion(tx, chain, orgId, version, actor, this.clock());
      await chain.finish();
      return result;
    });
  }

  list(orgId: string): Promise<readonly StoredPolicy[]> {
    return this.store.policies.list(orgId);
  }

  async get(orgId: string, version: number): Promise<{ policy: StoredPolicy; ir: PolicyIR } | null> {
    const policy = await this.store.policies.get(orgId, version);
    if (!policy) return null;
    const ir = await this.store.policies.getIR(policy.ir_hash);
    return ir ? { policy, ir } : null;
  }
}
