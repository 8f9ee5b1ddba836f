import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest as ManifestResource } from '@cdktf/provider-kubernetes/lib/manifest';
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { wholeSeconds } from '../core/durations';
import { releasePolicyOf } from '../core/helm-chart';
import { SecretValue } from '../core/secret';
import { toYaml } from '../core/yaml';
import type { DeploymentPlan } from '../day2/deployment-plan';
import { isPruneDisabled } from '../model/manifest';
import { terraformAddress, terraformIds } from '../model/terraform-addresses';
import { terraformObjects } from './kubernetes-objects';
import { addStateBackend } from './state-backend';
import { addImportBlock, addMovedBlock, addRemovedBlock, requireTerraformVersion, TERRAFORM_VERSION_FOR } from './lifecycle-blocks';

/** Properties of the Terraform stack. */
export interface PlatformStackProps {
  /** The plan of the platform; the stack renders its Terraform side. */
  readonly plan: DeploymentPlan;
}

/**
 * The Terraform side of a platform: providers configured from variables, namespaces and bootstrap
 * secrets, a `helm_release` per Terraform-managed component (Flux itself included) and the plain
 * objects of those components. It contains no custom resources, so it plans against an empty cluster.
 */
export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { plan } = props;
    // The platform's backend (default: a local file in the project root, never under dist/, which every
    // synth replaces); a remote one for real use, since the state holds the secret values.
    addStateBackend(this, plan.platform.terraform.backend);

    // Write-only attributes need Terraform 1.11 (removed blocks 1.7).
    requireTerraformVersion(this, TERRAFORM_VERSION_FOR.writeOnlyAttributes);
    // Day 2: resources that left the code on purpose are forgotten, not destroyed (for as long as the
    // inventory remembers them); renamed addresses move; objects that come over from Flux are adopted.
    for (const r of plan.day2.retired) {
      addRemovedBlock(this, r.address);
      // A namespace Terraform forgets (it holds data, or Flux takes it over) keeps its Pod Security labels
      // and reasons: they are forgotten with it rather than taken off it.
      if (r.id.startsWith('namespace/')) {
        const name = r.id.slice('namespace/'.length);
        addRemovedBlock(this, terraformAddress('namespaceLabels', name));
        addRemovedBlock(this, terraformAddress('namespaceAnnotations', name));
      }
    }
    for (const m of plan.day2.handover.moved) addMovedBlock(this, m.from, m.to);
    for (const i of plan.day2.handover.imports) addImportBlock(this, i.to, i.id);

    const kubeconfig = new TerraformVariable(this, 'kubeconfig_path', {
      type: 'string',
      default: '~/.kube/config',
      description: 'Path of the kubeconfig file used to reach the cluster.',
    });
    const context = new TerraformVariable(this, 'kube_context', {
      type: 'string',
      default: '',
      description: 'kubeconfig context to use; empty uses the current context of the file.',
    });
    new KubernetesProvider(this, 'kubernetes', { configPath: kubeconfig.stringValue, configContext: context.stringValue });
    new HelmProvider(this, 'helm', {
      kubernetes: { configPath: kubeconfig.stringValue, configContext: context.stringValue },
    });

    const variables = new Map(
      plan.terraform.variables.map((v) => [
        v.variable,
        new TerraformVariable(this, v.variable, {
          type: 'string',
          sensitive: true,
          description: v.description,
          ...(v.constraint
            ? { validation: [{ condition: `\${can(regex(${JSON.stringify(v.constraint.pattern)}, var.${v.variable}))}`, errorMessage: v.constraint.message }] }
            : {}),
        }),
      ]),
    );
    const objects = terraformObjects(plan, (v) => variables.get(v.variable)!.stringValue);

    const namespaces = new Map<string, NamespaceV1>();
    for (const object of objects.namespaces) {
      const name = object.metadata.name;
      const stateful = plan.namespaces.find((n) => n.name === name)!.stateful;
      const namespace = new NamespaceV1(this, terraformIds.namespace(name), {
        metadata: { name },
        lifecycle: {
          ...(stateful ? { preventDestroy: true } : {}),
          // Controllers label and annotate namespaces too (flux-operator marks flux-system with
          // app.kubernetes.io/* and its prune and SSA annotations): Terraform sets neither, so it leaves
          // them alone instead of stripping them on every apply.
          ignoreChanges: ['metadata[0].labels', 'metadata[0].annotations'],
        },
      });
      namespaces.set(name, namespace);
      // Its Pod Security labels and the reasons, applied server-side over the namespace: they are ballast's
      // to set (force), while the other labels and annotations stay whoever's wrote them. One field manager
      // each: a server-side apply drops the fields its manager owns and leaves out, so labels and
      // annotations applied under one name would take turns deleting each other.
      const metadata = { name: namespace.metadata.name };
      new Labels(this, terraformIds.namespaceLabels(name), { apiVersion: 'v1', kind: 'Namespace', metadata, labels: object.metadata.labels as Record<string, string>, fieldManager: 'ballast-labels', force: true });
      new Annotations(this, terraformIds.namespaceAnnotations(name), { apiVersion: 'v1', kind: 'Namespace', metadata, annotations: object.metadata.annotations as Record<string, string>, fieldManager: 'ballast-annotations', force: true });
    }
    // Referencing the namespace resource (not its name) makes Terraform create it first.
    const namespaceOf = (name: string) => namespaces.get(name)?.metadata.name ?? name;

    // Secret values are write-only attributes (Terraform >= 1.11): sent to the provider, never stored in
    // the state. Terraform cannot see a change of a write-only value, so each carries a revision that a
    // rotation by name raises (see DeploymentPlan.terraform.revisions).
    const revision = (values: readonly SecretValue[]) => values.reduce((sum, v) => sum + (plan.terraform.revisions.get(v.variable) ?? 1), 0);
    const secrets = objects.secrets.map((s, i) => {
      const declared = plan.terraform.secrets[i];
      const values = Object.values(declared.data).filter((v): v is SecretValue => v instanceof SecretValue);
      return new SecretV1(this, terraformIds.secret(s.metadata.namespace!, s.metadata.name), {
        metadata: {
          name: s.metadata.name,
          namespace: namespaceOf(s.metadata.namespace!),
          ...(s.metadata.labels ? { labels: s.metadata.labels as Record<string, string> } : {}),
        },
        type: s.type as string,
        dataWo: s.stringData as Record<string, string>,
        dataWoRevision: revision(values),
        // A Secret that a component holding data reads (a database role's password) stays when the code
        // drops it, like the data itself.
        lifecycle: plan.terraform.protectedSecrets.has(`${declared.namespace}/${declared.name}`) ? { preventDestroy: true } : undefined,
      });
    });

    const releases = new Map<string, Release>();
    for (const { component, chart, startsFlux } of plan.terraform.releases) {
      const dependsOn = new Set<ITerraformDependable>([
        ...secrets,
        ...component.dependencies.map((d) => releases.get(d.node.path)!).filter((r) => r !== undefined),
        ...(startsFlux ? [...releases.values()] : []),
      ]);
      const sensitive = chart.sensitiveValues ?? [];
      const policy = releasePolicyOf(chart);
      const release = new Release(this, terraformIds.release(component.namespace, chart.releaseName), {
        name: chart.releaseName,
        namespace: namespaceOf(component.namespace),
        repository: chart.chart.repository.url,
        chart: chart.chart.chart,
        version: chart.chart.version,
        values: [toYaml(chart.values)],
        // Write-only, like the Secrets: the values reach Helm, not the state.
        ...(sensitive.length
          ? {
              setWo: sensitive.map((s) => ({ name: s.path, value: variables.get(s.value.variable)!.stringValue })),
              setWoRevision: revision(sensitive.map((s) => s.value)),
            }
          : {}),
        // The release policy, as the HelmRelease has it (lib/core/release-policy.ts): the same timeout and
        // wait; remediation is `atomic` (which Helm only does while waiting); Helm installs the CRDs of
        // crds/ on the first install only, unless skipped (it never replaces them: no CreateReplace here).
        timeout: wholeSeconds(policy.timeout),
        wait: policy.wait,
        waitForJobs: policy.wait,
        atomic: policy.wait && policy.remediation !== false,
        cleanupOnFail: true,
        skipCrds: policy.crds === 'Skip',
        dependsOn: [...dependsOn],
        lifecycle: component.stateful ? { preventDestroy: true } : undefined,
        // A release that replaces a renamed one adopts the objects the old one owns under the same names.
        ...(plan.day2.handover.takeOwnership.includes(terraformAddress('release', component.namespace, chart.releaseName)) ? { takeOwnership: true } : {}),
      });
      // The user's overrides (Component.overrideHelmRelease) come last; the plan has refused the protected ones.
      for (const o of chart.terraformOverrides ?? []) release.addOverride(o.path, o.value);
      releases.set(component.node.path, release);
    }

    plan.terraform.manifests.forEach(({ component, manifest }) => {
      new ManifestResource(this, terraformIds.manifest(component.namespace, manifest.kind, manifest.metadata.name), {
        manifest,
        dependsOn: [...namespaces.values(), ...secrets, ...[releases.get(component.node.path)].filter((r): r is Release => !!r)],
        // An object marked as holding data is kept by Terraform as Flux keeps it.
        lifecycle: isPruneDisabled(manifest) ? { preventDestroy: true } : undefined,
      });
    });
  }
}
