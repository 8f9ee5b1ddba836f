// The default platform's connections as the README's security section shows them: one row per
// destination pod group and source, with the ports and why. A unit test holds the README to it.
import type { DeploymentPlan } from '../../lib/internal';
import { ACME_SOLVER, labelText, NetworkPeerSpec } from '../../lib/model/network';

function name(plan: DeploymentPlan, p: NetworkPeerSpec): string {
  switch (p.kind) {
    case 'pods': {
      const group = plan.components.flatMap((c) => c.network.podGroups).find((g) => g.namespace === p.pods.namespace && labelText(g.labels) === labelText(p.pods.labels));
      // cert-manager's solver pods are the plan's group, not a component's.
      const solver = labelText(p.pods.labels) === labelText(ACME_SOLVER.labels) ? ACME_SOLVER.group : undefined;
      return `${p.pods.namespace}/${group?.name ?? solver ?? (labelText(p.pods.labels) || '*')}`;
    }
    case 'cidr':
      return p.cidr === '0.0.0.0/0' ? 'anywhere' : p.cidr;
    case 'dns':
      return 'cluster DNS';
    default:
      return p.kind;
  }
}

/** The Markdown table of `plan`'s connections, sorted by destination then source. */
export function connectionTable(plan: DeploymentPlan): string {
  const rows = plan.connections.map((c) => [name(plan, c.to), name(plan, c.from), c.ports.map((p) => `${p.port}${p.protocol === 'UDP' ? '/udp' : ''}`).join(', '), c.why]);
  rows.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : a[0] + a[1] > b[0] + b[1] ? 1 : 0));
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return ['| to (namespace/pods) | from | ports | why |', '|---|---|---|---|', ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}
