import type { Repositories } from '../repositories/types.js';
import { signCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { ensureSigningKey, privateKeyOf } from './signingKeys.js';
import { storedRoot } from './storedTree.js';
import { TreeAppender } from './TreeAppender.js';

/**
 * Brings the organisation's tree up to its chain head and returns how many records it covers.
 * Call inside a write transaction.
 */
export async function catchUpTree(tx: Repositories, orgId: string): Promise<number> {
  const tree = new TreeAppender(tx);
  const size = await tree.catchUp(orgId);
  await tree.finish();
  return size;
}

/**
 * Signs the tree head at `treeSize` with the current key (created if there is none yet) and
 * stores it; an existing checkpoint at that size is returned as it is. Call inside a write
 * transaction, after catchUpTree.
 */
export async function signCheckpointAt(tx: Repositories, orgId: string, treeSize: number, now: Date): Promise<SignedCheckpoint> {
  const existing = await tx.checkpoints.get(orgId, treeSize);
  if (existing) return existing;
  const key = await ensureSigningKey(tx, now);
  const root = (await storedRoot(tx.merkle, orgId, treeSize)).toString('hex');
  const checkpoint = signCheckpoint({ org: orgId, tree_size: treeSize, root, time: now.toISOString(), key_id: key.id }, privateKeyOf(key));
  await tx.checkpoints.insert(checkpoint);
  return checkpoint;
}

/**
 * A checkpoint at the chain head unless the latest one already covers it; null for an empty
 * chain. One write transaction (safe beside a running server: SQLite serializes writers).
 */
export async function checkpointHead(tx: Repositories, orgId: string, now: Date): Promise<SignedCheckpoint | null> {
  const size = await catchUpTree(tx, orgId);
  if (size === 0) return null;
  const latest = await tx.checkpoints.latest(orgId);
  if (latest && latest.tree_size >= size) return latest;
  return signCheckpointAt(tx, orgId, size, now);
}
