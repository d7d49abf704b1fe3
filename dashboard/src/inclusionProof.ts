// Checks, in the browser, that a record is in the organisation's latest signed checkpoint: the
// record's hash gives its Merkle leaf, and the audit path from GET /api/intents/:id/proof must
// lead from that leaf to the checkpoint's root (RFC 9162, section 2.1.3.2). The server is not
// trusted for the answer, only for the path; a wrong path cannot reach the root.

export interface ProofRecord {
  readonly seq: number;
  readonly kind: string;
  readonly leaf_index: number;
  readonly record_hash: string;
  readonly leaf_hash: string;
  readonly covered: boolean;
  readonly audit_path: readonly string[] | null;
}

export interface ProofCheckpoint {
  readonly tree_size: number;
  readonly root: string;
  readonly time: string;
  readonly key_id: string;
}

export interface IntentProof {
  readonly checkpoint: ProofCheckpoint | null;
  readonly records: readonly ProofRecord[];
}

function bytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(prefix: number, ...parts: Uint8Array[]): Promise<Uint8Array> {
  const length = 1 + parts.reduce((sum, part) => sum + part.length, 0);
  const input = new Uint8Array(length);
  input[0] = prefix;
  let at = 1;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** True when `recordHash` is leaf `leafIndex` of the tree of `treeSize` leaves with `root`. */
export async function verifyInclusion(
  recordHash: string, leafIndex: number, treeSize: number, path: readonly string[], root: string,
): Promise<boolean> {
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = await sha256(0x00, bytes(recordHash));
  for (const sibling of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(0x01, bytes(sibling), r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(0x01, r, bytes(sibling));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hex(r.buffer as ArrayBuffer) === root;
}

/** Whether this browser can check proofs (WebCrypto needs HTTPS or a loopback address). */
export function canVerifyInBrowser(): boolean {
  return typeof crypto !== 'undefined' && crypto.subtle !== undefined;
}
