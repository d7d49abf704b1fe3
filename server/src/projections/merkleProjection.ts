// Merkle trees over each organisation's records (RFC 6962; server/README.md, "Checkpoints,
// proofs and offline verification"). A tree depends only on the record hashes in seq order,
// so it is built behind the chain: by the background catch-up, and by the checkpointer, which
// brings a tree up to its chain head before signing it. Its cursor is the tree's size.

import { TreeAppender } from '../audit/TreeAppender.js';
import type { Repositories } from '../repositories/types.js';
import type { Projection, ProjectionWriter } from './Projection.js';

export const merkleProjection: Projection = {
  name: 'merkle',
  // A tree is built from the record hashes alone.
  bodyKinds: [],
  open(tx: Repositories): ProjectionWriter {
    const tree = new TreeAppender(tx);
    return {
      cursor: (orgId) => tree.size(orgId),
      apply: (record) => tree.append(record),
      finish: () => tree.finish(),
    };
  },
  clear: (tx) => tx.merkle.clear(),
  lag: (repos) => repos.merkle.behind(),
};
