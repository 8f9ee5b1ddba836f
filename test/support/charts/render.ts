import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { Manifest } from '../../../lib/internal';
import { helmError, runHelm } from '../../../scripts/reference/helm';
import { releaseLabel, SynthesizedRelease } from './synthesized-releases';

/** The Kubernetes version every chart is rendered for. */
export const KUBE_VERSION = '1.34.0';

/**
 * What a Kubernetes 1.34 cluster with the platform's CRDs serves, for `helm template` without a cluster to
 * ask: without `--api-versions`, charts that test `.Capabilities.APIVersions.Has` fall back to removed APIs
 * (traefik 41.3.0 renders its PodDisruptionBudget as policy/v1beta1). With an API server, use what it
 * serves (`ServerSideApply.servedApiVersions`).
 */
export const KUBE_1_34_API_VERSIONS: readonly string[] = [
  'v1',
  'apps/v1',
  'batch/v1',
  'policy/v1',
  'policy/v1/PodDisruptionBudget',
  'autoscaling/v2',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/IngressClass',
  'rbac.authorization.k8s.io/v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
  'monitoring.coreos.com/v1',
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PodMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
];

/** One object a chart rendered, and where from (`<chart> (<backend> release ...): <template>`). */
export interface RenderedObject {
  readonly source: string;
  readonly object: Manifest;
}

/**
 * `helm template` of a release as its backend would install it: the values exactly as synthesized, the
 * secret values as `--set-string` at their paths (the path syntax of Flux's targetPath and Terraform's
 * set_wo), CRDs included, tests left out (neither backend runs them), for Kubernetes 1.34 and the
 * API versions the cluster serves. Throws with the release and helm's reason when the chart fails.
 */
export function renderRelease(helm: string, release: SynthesizedRelease, chartPath: string, apiVersions: readonly string[]): RenderedObject[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-render-'));
  try {
    const valuesFile = path.join(work, 'values.yaml');
    fs.writeFileSync(valuesFile, stringify(release.values));
    const args = [
      'template',
      release.releaseName,
      chartPath,
      '--namespace',
      release.namespace,
      '--values',
      valuesFile,
      ...release.sensitive.flatMap((s) => ['--set-string', `${s.path}=${s.value}`]),
      '--include-crds',
      '--skip-tests',
      '--kube-version',
      KUBE_VERSION,
      ...(apiVersions.length > 0 ? ['--api-versions', apiVersions.join(',')] : []),
    ];
    const result = runHelm(helm, args);
    if (result.status !== 0) throw new Error(`helm template ${releaseLabel(release)} failed: ${helmError(result)}`);
    const out: RenderedObject[] = [];
    for (const doc of parseAllDocuments(result.stdout)) {
      if (doc.errors.length > 0) throw new Error(`helm template ${releaseLabel(release)} wrote YAML that does not parse: ${doc.errors[0].message}`);
      const object = doc.toJSON() as Manifest | null;
      if (!object) continue;
      // Helm names the template in a comment before each document.
      const comment = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
      const template = /Source: (\S+)/.exec(comment)?.[1] ?? 'unknown template';
      out.push({ source: `${releaseLabel(release)}: ${template}`, object });
    }
    return out;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
