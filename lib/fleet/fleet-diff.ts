import { DIFF_EXIT, formatDiff, formatSynthReport } from '../day2/diff';
import type { ClusterPlan } from './fleet-checks';
import type { FleetPlan } from './fleet-synth';
import { clusterAckId, clusterFolder, describeLeaving as describe, readClusterInventory } from '../day2/previous-output';

/**
 * `diff` of a fleet: each cluster that changes under its name, indented, and one line naming the clusters
 * that do not, so a change made to one cluster shows in that cluster only. The exit code is the worst of
 * the clusters' (see DIFF_EXIT).
 */
export function formatFleetDiff({ plans, leaving }: FleetPlan, fluxDir: string): { text: string; exitCode: number } {
  const sections: string[] = [];
  const unchanged: string[] = [];
  let exitCode: number = DIFF_EXIT.unchanged;
  for (const l of leaving) {
    const status = l.acknowledged ? ' [acknowledged]' : ` [refused: --acknowledge ${clusterAckId(l.cluster)}]`;
    sections.push(`cluster ${l.cluster} leaves the fleet: its tree and its Terraform stack are removed (${describe(l)})${status}\n`);
    exitCode = l.acknowledged ? Math.max(exitCode, DIFF_EXIT.changes) : DIFF_EXIT.destructive;
  }
  for (const { cluster, plan } of plans) {
    const { text, exitCode: code } = formatDiff(plan, readClusterInventory(fluxDir, cluster) !== undefined);
    if (code === DIFF_EXIT.unchanged) {
      unchanged.push(cluster);
      continue;
    }
    exitCode = Math.max(exitCode, code);
    sections.push(`cluster ${cluster} (${clusterFolder(fluxDir, cluster)}):\n${text.replace(/^(?=.)/gm, '  ')}`);
  }
  const summary = `${plans.length - unchanged.length} of ${plans.length} clusters change${leaving.length > 0 ? `, ${leaving.length} leave${leaving.length === 1 ? 's' : ''}` : ''}${unchanged.length > 0 ? `; no change in ${unchanged.join(', ')}` : ''}\n`;
  return { text: sections.join('') + summary, exitCode };
}

/** The synth report of each cluster, its lines prefixed with the cluster's name. */
export function formatFleetSynthReport(plans: readonly ClusterPlan[]): string {
  return plans.map(({ cluster, plan }) => formatSynthReport(plan).replace(/^ballast: /gm, `ballast: ${cluster}: `)).join('');
}
