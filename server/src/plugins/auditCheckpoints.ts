import fp from 'fastify-plugin';
import { AuditCheckpointer } from '../audit/AuditCheckpointer.js';
import { resolveAuditConfig } from '../audit/auditConfig.js';
import { ensureSigningKey, privateKeyOf, protectStoredKeys } from '../audit/signingKeys.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs the organisations' Merkle tree heads (tests call `tick()` after moving the clock). */
    auditCheckpoints: AuditCheckpointer;
  }
}

export interface AuditCheckpointsOptions {
  /** Default AXIRU_AUDIT_CHECKPOINT_RECORDS, else 1000. */
  readonly everyRecords?: number | undefined;
  /** Default AXIRU_AUDIT_CHECKPOINT_SECONDS × 1000, else 60 000. */
  readonly intervalMs?: number | undefined;
  /** How often the signer looks for work (default 1000 ms; 0: only when tick() is called). */
  readonly pollMs?: number | undefined;
}

/** The signing key (created at the first start) and the timer that signs checkpoints. */
export const auditCheckpointsPlugin = fp<AuditCheckpointsOptions>(async (app, options) => {
  const config = options.everyRecords !== undefined && options.intervalMs !== undefined
    ? { checkpointRecords: options.everyRecords, checkpointIntervalMs: options.intervalMs }
    : resolveAuditConfig();
  const current = await app.store.transaction(async (tx) => {
    const key = await ensureSigningKey(tx, app.clock());
    const encrypted = await protectStoredKeys(tx);
    if (encrypted > 0) app.log.info({ keys: encrypted }, 'signing keys encrypted with AXIRU_SIGNING_KEY_PASSPHRASE');
    return (await tx.signingKeys.current()) ?? key;
  });
  // A key that cannot be opened (encrypted, and no or another passphrase) stops the start here,
  // with the reason, rather than the first checkpoint an hour later.
  privateKeyOf(current);
  // Trees are a projection (projections/merkleProjection.ts): the background catch-up builds
  // them, and signing a checkpoint first brings its tree up to the chain head.
  const checkpointer = new AuditCheckpointer(app.store, {
    everyRecords: options.everyRecords ?? config.checkpointRecords,
    intervalMs: options.intervalMs ?? config.checkpointIntervalMs,
    clock: app.clock,
    leases: app.leases,
  });
  app.decorate('auditCheckpoints', checkpointer);
  checkpointer.start(options.pollMs ?? 1000);
  app.addHook('onClose', async () => {
    await checkpointer.stop();
  });
}, { name: 'axiru-audit-checkpoints', fastify: '5.x', dependencies: ['axiru-services'] });
