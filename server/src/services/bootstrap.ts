import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../repositories/types.js';
import { createOrganisation } from './organisations.js';
import { compilePolicy } from './PolicyService.js';
import { generatePassword, hashPassword } from './passwords.js';
import { createUser } from './users.js';

/** The demo organisation's dashboard admin (roles admin and finance_manager). */
export const DEMO_EMAIL = 'demo@axiru.test';

/** examples/acme.axiru of the monorepo, from both src/services and dist/services. */
export const DEMO_POLICY_PATH = fileURLToPath(new URL('../../../examples/acme.axiru', import.meta.url));

export interface BootstrapResult {
  /** True only on the very first start with an empty database. */
  readonly created: boolean;
  readonly orgId?: string;
  /** The demo keys, present only when just created: they are never shown again. */
  readonly decisionKey?: string;
  readonly adminKey?: string;
  /** The demo admin's sign-in, present only when just created. */
  readonly demoEmail?: string;
  readonly demoPassword?: string;
}

export interface BootstrapOptions {
  readonly demoPolicyPath?: string;
  readonly now?: Date;
}

/**
 * First start: a demo organisation with the example policy published and live, one decision
 * key and one admin key, all in one transaction (a crash halfway leaves nothing, and the next
 * start tries again). Any later start finds an organisation and does nothing.
 */
export async function bootstrap(store: Store, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  if ((await store.organisations.list()).length > 0) return { created: false };
  const path = options.demoPolicyPath ?? DEMO_POLICY_PATH;
  const policy = compilePolicy(readFileSync(path, 'utf8'), 'acme.axiru');
  const demoPassword = generatePassword();
  const demoPasswordHash = await hashPassword(demoPassword);
  return store.transaction(async (tx) => {
    // Re-checked under the write lock: two processes starting on one folder create one demo.
    if ((await tx.organisations.list()).length > 0) return { created: false };
    const created = await createOrganisation(tx, {
      name: 'Demo org',
      defaultCurrency: 'usd',
      policy,
      ...(options.now ? { now: options.now } : {}),
    });
    const admin = await createUser(tx, created.org.id,
      { email: DEMO_EMAIL, name: 'Demo admin', roles: ['admin', 'finance_manager'] }, policy.ir, options.now ?? new Date());
    await tx.sessions.setPassword(created.org.id, admin.user.id, demoPasswordHash);
    return {
      created: true, orgId: created.org.id, decisionKey: created.keys.decision, adminKey: created.keys.admin,
      demoEmail: DEMO_EMAIL, demoPassword,
    };
  });
}
