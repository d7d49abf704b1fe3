// `node:crypto` for the browser build, as far as the compiler uses it: hashIR() hashes the
// canonical IR with createHash('sha256'). The same SHA-256 (@noble/hashes, synchronous, as the
// compiler needs), so an IR hash made in the editor's worker equals the server's.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

interface Hash {
  update(data: string): Hash;
  digest(encoding: 'hex'): string;
}

export function createHash(algorithm: string): Hash {
  if (algorithm !== 'sha256') throw new Error(`createHash: only sha256 is available in the browser, not ${algorithm}`);
  const hash = sha256.create();
  const api: Hash = {
    update(data) {
      hash.update(utf8ToBytes(data));
      return api;
    },
    digest(encoding) {
      if (encoding !== 'hex') throw new Error('digest: only hex is available in the browser');
      return bytesToHex(hash.digest());
    },
  };
  return api;
}
