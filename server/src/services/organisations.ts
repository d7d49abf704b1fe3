import { ChainAppender } from '../ledger/ChainAppender.js';
import type { KeyKind, Organisation, Repositories } from '../repositories/types.js';
import { createApiKey, randomBase62 } from './apiKeys.js';
import { activateVersion, publishCompiled, type CompiledPolicy } from './PolicyService.js';

export interface NewOrganisation {
  readonly org: Organisation;
  /** Full keys by kind, shown once. */
  readonly keys: Readonly<Record<KeyKind, string>>;
}

export interface CreateOrganisationOptions {
  readonly name: string;
  readonly defaultCurrency: string;
  /** Published and made live at once (sealed as the chain's first records). */
  readonly policy?: CompiledPolicy;
  readonly keyMode?: 'test' | 'live';
  readonly actor?: string;
  readonly now?: Date;
}

/** Creates an organisation with one decision key and one admin key, inside an open transaction. */
export async function createOrganisation(tx: Repositories, options: CreateOrganisationOptions): Promise<NewOrganisation> {
  const now = options.now ?? new Date();
  const actor = options.actor ?? 'system';
  const org: Organisation = {
    id: `org_${randomBase62(16)}`,
    name: options.name,
    default_currency: options.defaultCurrency.toLowerCase(),
    live_policy_version: null,
    created_at: now.toISOString(),
  };
  await tx.organisations.create(org);
  let live = org;
  if (options.policy) {
    const chain = new ChainAppender(tx);
    await publishCompiled(tx, chain, org.id, options.policy, actor, now);
    await activateVersion(tx, chain, org.id, options.policy.ir.version, actor, now);
    await chain.finish();
    live = { ...org, live_policy_version: options.policy.ir.version };
  }
  const mode = options.keyMode ?? 'test';
  const decision = await createApiKey(tx, org.id, 'decision', mode, `${options.name} decision key`, now);
  const admin = await createApiKey(tx, org.id, 'admin', mode, `${options.name} admin key`, now);
  return { org: live, keys: { decision: decision.key, admin: admin.key } };
}
