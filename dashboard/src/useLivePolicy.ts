import type { OrgJson, PolicyDetail } from './apiTypes';
import { useApi } from './useApi';

/** The live policy (roles, sources, rules), or null while unknown or not readable. */
export function useLivePolicy(): PolicyDetail | null {
  const org = useApi<OrgJson>('/api/org');
  const version = org.data?.live_policy_version;
  const path = version === null || version === undefined ? null : `/api/policies/${String(version).startsWith('v') ? version : `v${version}`}`;
  return useApi<PolicyDetail>(path).data;
}
