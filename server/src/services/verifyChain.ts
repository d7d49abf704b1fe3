import { ChainVerifier, type ChainReport } from '../ledger/chain.js';
import type { Repositories } from '../repositories/types.js';

const PAGE = 1000;

/**
 * Recomputes one organisation's chain from its first record. Pages are read in seq order; once
 * no more records come, the stored chain head must sit exactly on the last one. A head that
 * moved on means records were appended meanwhile, so reading continues; a head behind the
 * records means records were added without the writer (tampering).
 */
export async function verifyChain(repos: Repositories, orgId: string): Promise<ChainReport> {
  const verifier = new ChainVerifier(orgId);
  let after = 0;
  for (;;) {
    // The reads are synchronous underneath: without a turn of the event loop between pages, a
    // long chain would stop the server from answering anything else until it was verified.
    if (after > 0) await new Promise((resolve) => setImmediate(resolve));
    const page = await repos.ledger.scan(orgId, after, PAGE);
    for (const record of page) {
      if (!verifier.push(record)) return verifier.finish(await repos.ledger.head(orgId));
      after = record.seq;
    }
    if (page.length === PAGE) continue;
    const head = await repos.ledger.head(orgId);
    if (head && head.seq > after && (await repos.ledger.scan(orgId, after, 1)).length > 0) continue;
    return verifier.finish(head);
  }
}

export interface OrgChainReport extends ChainReport {
  readonly org_id: string;
}

export async function verifyAllChains(repos: Repositories): Promise<OrgChainReport[]> {
  const ids = new Set<string>([
    ...(await repos.organisations.list()).map((org) => org.id),
    ...(await repos.ledger.chainOrgIds()),
  ]);
  const reports: OrgChainReport[] = [];
  for (const orgId of [...ids].sort()) reports.push({ org_id: orgId, ...(await verifyChain(repos, orgId)) });
  return reports;
}
