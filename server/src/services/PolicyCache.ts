import { loadPolicy, type LoadedPolicy } from '@axiru/runtime';
import type { Repositories } from '../repositories/types.js';

/**
 * Loaded policies by IR hash. Safe to share between transactions and server instances
 * because both keys are immutable: an IR hash names one IR forever, and a published
 * (organisation, version) pair never changes its IR (a different IR is refused with 409).
 */
export class PolicyCache {
  private readonly byHash = new Map<string, LoadedPolicy>();
  private readonly hashOfVersion = new Map<string, string>();

  async byVersion(repos: Repositories, orgId: string, version: number): Promise<LoadedPolicy | null> {
    const key = `${orgId}\u0000${version}`;
    let hash = this.hashOfVersion.get(key);
    if (hash === undefined) {
      const stored = await repos.policies.get(orgId, version);
      if (!stored) return null;
      hash = stored.ir_hash;
      this.hashOfVersion.set(key, hash);
    }
    return this.byIrHash(repos, hash);
  }

  async byIrHash(repos: Repositories, hash: string): Promise<LoadedPolicy | null> {
    const cached = this.byHash.get(hash);
    if (cached) return cached;
    const ir = await repos.policies.getIR(hash);
    if (!ir) return null;
    const loaded = loadPolicy(ir);
    this.byHash.set(hash, loaded);
    return loaded;
  }

  /** Seeds the cache with a policy that was just loaded (on publish). */
  remember(loaded: LoadedPolicy): void {
    this.byHash.set(loaded.hash, loaded);
  }
}
