import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { PlatformContext } from '../core/platform-context';
import { CERT_MANAGER_GROUP, coversHost, IIssuer, knownIssuers, platformIssuer, TLS_DISABLED_ANNOTATION } from '../core/tls';
import type { Manifest } from '../model/manifest';

interface CertificateSpec {
  readonly secretName?: string;
  readonly dnsNames?: readonly string[];
  readonly issuerRef?: { readonly kind?: string; readonly name?: string };
}

interface RouteSpec {
  readonly routes?: readonly { readonly match?: string }[];
  readonly tls?: { readonly secretName?: string; readonly certResolver?: string };
}

const NO_ISSUER_FIX =
  "Choose the platform's issuer with platform.useIssuer(...): an AcmeIssuer built in a CertManager, or CertManager.existingIssuer(...) for one the cluster has; or opt the route out with tls: { disabled: '<reason>' }";

/** Every literal host of a route's rules (`Host(`a`)`); rules by regular expression name none. */
function hostsOf(spec: RouteSpec): string[] {
  const hosts = (spec.routes ?? []).flatMap((r) => [...(r.match ?? '').matchAll(/\bHost\(\s*`([^`]+)`\s*\)/g)].map((m) => m[1].toLowerCase()));
  return [...new Set(hosts)];
}

/**
 * Every route answers its hosts with a certificate of them: Traefik would otherwise serve its self-signed
 * default certificate. An IngressRoute names the TLS Secret of a cert-manager Certificate in its
 * namespace whose names cover each of its hosts (or a Traefik certificate resolver), or carries the
 * opt-out annotation with its reason. Every Certificate names an issuer that can sign it.
 */
export function checkRouteTls(
  platform: PlatformContext,
  components: readonly Component[],
  problems: ConfigProblem[],
  manifestsOf: (c: Component) => readonly Manifest[] = (c) => c.manifests() as Manifest[],
): void {
  // Read from the components rather than the placed objects: a Certificate that could not be placed (its
  // CRD missing) is reported there, and must not make its route's Secret look unwritten as well.
  const objects = components.flatMap((component) =>
    manifestsOf(component)
      .filter((m) => m.kind === 'Certificate' || m.kind === 'IngressRoute')
      .map((manifest) => ({ component, manifest })),
  );
  const certificates = new Map<string, { name: string; spec: CertificateSpec }>();
  for (const { component, manifest } of objects) {
    if (manifest.kind !== 'Certificate' || !manifest.apiVersion.startsWith(`${CERT_MANAGER_GROUP}/`)) continue;
    const spec = (manifest.spec ?? {}) as CertificateSpec;
    const namespace = manifest.metadata.namespace ?? component.namespace;
    if (spec.secretName) certificates.set(`${namespace}/${spec.secretName}`, { name: manifest.metadata.name, spec });
    checkIssuer(platform, component, manifest.metadata.name, namespace, spec, problems);
  }

  for (const { component, manifest } of objects) {
    if (manifest.kind !== 'IngressRoute' || !manifest.apiVersion.startsWith('traefik.io/')) continue;
    const spec = (manifest.spec ?? {}) as RouteSpec;
    const route = `IngressRoute "${manifest.metadata.name}"`;
    const hosts = hostsOf(spec);
    const problem = (text: string, fix: string) => problems.push({ path: constructPath(component), problem: text, fix });
    const annotations = (manifest.metadata.annotations ?? {}) as Record<string, unknown>;
    if (typeof annotations[TLS_DISABLED_ANNOTATION] === 'string' && (annotations[TLS_DISABLED_ANNOTATION] as string).trim() !== '') continue;
    const answers = hosts.length > 0 ? `host ${hosts.join(', ')}` : 'every host';
    if (!spec.tls) {
      problem(
        `${route} answers ${answers} without a certificate, so Traefik would serve its self-signed default one`,
        `Use ballast's IngressRoute (it serves a Certificate of its host), give it spec.tls.secretName of a Certificate of its hosts, or mark it served without one on purpose with the annotation ${TLS_DISABLED_ANNOTATION}: '<reason>'`,
      );
      continue;
    }
    if (spec.tls.certResolver && !spec.tls.secretName) continue;
    if (!spec.tls.secretName) {
      problem(`${route} has tls without a secretName, so Traefik would serve its self-signed default certificate for ${answers}`, 'Name the Secret of a cert-manager Certificate of its hosts in tls.secretName');
      continue;
    }
    const namespace = manifest.metadata.namespace ?? component.namespace;
    const certificate = certificates.get(`${namespace}/${spec.tls.secretName}`);
    if (!certificate) {
      problem(`${route} serves the TLS Secret "${spec.tls.secretName}", which no Certificate in namespace "${namespace}" writes`, `Create a Certificate of ${answers} with secretName "${spec.tls.secretName}" (ballast's IngressRoute makes one from the platform's issuer), or opt the route out with tls: { disabled: '<reason>' }`);
      continue;
    }
    const names = certificate.spec.dnsNames ?? [];
    const uncovered = hosts.filter((h) => !names.some((n) => coversHost(n, h)));
    if (uncovered.length > 0) {
      problem(`${route} answers host ${uncovered.join(', ')}, which its Certificate "${certificate.name}" (${names.join(', ') || 'no dnsNames'}) does not cover`, `Add the host to the Certificate's dnsNames, or serve the Secret of a Certificate that covers it`);
    }
  }
}

/** The Certificate names an issuer, and one that can sign it there. */
function checkIssuer(platform: PlatformContext, component: Component, name: string, namespace: string, spec: CertificateSpec, problems: ConfigProblem[]): void {
  const problem = (text: string, fix: string) => problems.push({ path: constructPath(component), problem: text, fix });
  const certificate = `Certificate "${name}" (${(spec.dnsNames ?? []).join(', ')})`;
  const ref = spec.issuerRef;
  if (!ref?.name) {
    problem(`${certificate} names no issuer${platformIssuer(platform) ? '' : ', and the platform has none'}`, NO_ISSUER_FIX);
    return;
  }
  const kind = ref.kind ?? 'Issuer';
  const known = knownIssuers(platform).filter((i: IIssuer) => i.kind === kind && i.name === ref.name);
  if (kind === 'Issuer' && known.length > 0 && !known.some((i) => i.namespace === namespace)) {
    problem(`${certificate} in namespace "${namespace}" names the Issuer "${ref.name}", which serves namespace ${known.map((i) => `"${i.namespace}"`).join(', ')} only`, 'Use a ClusterIssuer, or an Issuer of the namespace of the Certificate');
  }
  const wildcards = (spec.dnsNames ?? []).filter((n) => n.startsWith('*.'));
  const unable = known.find((i) => i.issuesWildcards === false && (kind === 'ClusterIssuer' || i.namespace === namespace));
  if (wildcards.length > 0 && unable) {
    problem(`${certificate} asks ${unable.description} for ${wildcards.join(', ')}, but it cannot sign wildcard names (ACME validates them through DNS-01 only)`, 'Use an issuer with a DNS-01 solver for wildcard certificates, or a certificate per host');
  }
}
