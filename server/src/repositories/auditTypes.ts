// The storage contract of the audit layer (Merkle trees, checkpoints, signing keys); part of
// Repositories (types.ts), so trees grow inside the transaction that appends their records.

import type { SignedCheckpoint } from '../audit/checkpoint.js';
import type { MerkleNode } from '../audit/MerkleFrontier.js';

export interface NodeCoordinate {
  readonly level: number;
  readonly index: number;
}

export interface MerkleRepository {
  /** How many records the organisation's tree covers (0 when it has none). */
  size(orgId: string): Promise<number>;
  setSize(orgId: string, size: number): Promise<void>;
  putNodes(orgId: string, nodes: readonly MerkleNode[]): Promise<void>;
  /** The stored subtree hashes at these coordinates, in order; null where none is stored. */
  getNodes(orgId: string, coordinates: readonly NodeCoordinate[]): Promise<(Buffer | null)[]>;
  /** Deletes every tree (rebuilding the Merkle projection). */
  clear(): Promise<void>;
  /** Records in all chains that their trees do not cover yet. */
  behind(): Promise<number>;
}

export interface SigningKeyRow {
  readonly id: string;
  readonly public_key: string;
  readonly private_key: string;
  readonly created_at: string;
  readonly retired_at: string | null;
  readonly endorsed_by: string | null;
  readonly endorsement: string | null;
}

export interface SigningKeyRepository {
  /** The key that signs new checkpoints (the one not retired). */
  current(): Promise<SigningKeyRow | null>;
  /** Oldest first. */
  list(): Promise<readonly SigningKeyRow[]>;
  insert(row: SigningKeyRow): Promise<void>;
  retire(id: string, at: string): Promise<void>;
  /** Replaces how a key's private half is stored (the same key, encrypted). */
  setPrivateKey(id: string, privateKeyPem: string): Promise<void>;
}

export interface CheckpointListOptions {
  /** Only checkpoints with tree_size below this (pagination, newest first). */
  readonly beforeSize?: number;
}

export interface CheckpointRepository {
  insert(checkpoint: SignedCheckpoint): Promise<void>;
  latest(orgId: string): Promise<SignedCheckpoint | null>;
  get(orgId: string, treeSize: number): Promise<SignedCheckpoint | null>;
  /** Newest first. */
  list(orgId: string, options: CheckpointListOptions, limit: number): Promise<readonly SignedCheckpoint[]>;
  /** Oldest first, every one (exports). */
  all(orgId: string): Promise<readonly SignedCheckpoint[]>;
}
