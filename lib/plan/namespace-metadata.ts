// The labels and annotations of a Namespace ballast creates, the same on both backends: Pod Security
// Admission's labels at the level the plan chose, and why (that level; no NetworkPolicies, when so).
import { NETWORK_POLICY_DISABLED_ANNOTATION, POD_SECURITY_VERSION } from '../model/network';
import type { NamespacePlan } from './placement';

/** The annotation that says which component set the namespace's level, and why. */
const POD_SECURITY_REASONS_ANNOTATION = 'ballast.dev/pod-security';

/**
 * `enforce`, `warn` and `audit` at one level, each pinned to the version of the standards ballast checks
 * against: enforce refuses a pod that breaks it, warn tells whoever applies a workload that would, audit
 * records it in the API server's audit log.
 */
export function podSecurityLabels(ns: NamespacePlan): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['audit', 'enforce', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = ns.podSecurity.level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
  }
  return labels;
}

/** Why the namespace has its level, and why it has no NetworkPolicies when it has none. */
export function namespaceReasons(ns: NamespacePlan): Record<string, string> {
  return {
    ...(ns.networkPoliciesDisabled !== undefined ? { [NETWORK_POLICY_DISABLED_ANNOTATION]: ns.networkPoliciesDisabled } : {}),
    [POD_SECURITY_REASONS_ANNOTATION]: ns.podSecurity.reasons.join('; '),
  };
}
