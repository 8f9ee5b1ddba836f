import * as crypto from 'crypto';
import { IConstruct } from 'constructs';
import { constructPath, fail } from './errors';
import { isDnsLabel, isDnsSubdomain } from './names';
import { platformOf, PlatformContext } from './platform-context';

// The platform's TLS state, shared by the constructs that issue certificates (cert-manager's issuers, the
// routes' Certificates) and the plan's check that every route has one. It lives here, beside the platform
// context, so that neither the plan nor the platform imports a component.

/** A cert-manager issuer that signs the platform's certificates: made by ballast, or one the cluster has. */
export interface IIssuer {
  /** `ClusterIssuer` (serves Certificates of every namespace) or `Issuer` (only those of its own namespace). */
  readonly kind: 'ClusterIssuer' | 'Issuer';
  /** Object name of the issuer. */
  readonly name: string;
  /** The namespace of an `Issuer`. @default none (a ClusterIssuer has none) */
  readonly namespace?: string;
  /** What it is, for messages: a construct path, or `the existing ClusterIssuer "x"`. */
  readonly description: string;
  /**
   * False when the issuer cannot sign wildcard names (`*.example.com`): an ACME issuer that solves HTTP-01
   * only, since ACME CAs validate wildcards through DNS-01 alone.
   * @default unknown, taken as able
   */
  readonly issuesWildcards?: boolean;
}

/**
 * The annotation that marks an IngressRoute served without a certificate on purpose, with the reason as
 * its value (`tls: { disabled: '...' }` of ballast's IngressRoute writes it). The plan accepts a route
 * without `spec.tls` only with it, so the reason is also in Git beside the route.
 */
export const TLS_DISABLED_ANNOTATION = 'ballast.dev/tls-disabled';

/** cert-manager's API group of Certificates and issuers. */
export const CERT_MANAGER_GROUP = 'cert-manager.io';

interface PlatformTls {
  issuer?: { readonly issuer: IIssuer; readonly setBy: string };
  /** Every issuer ballast knows by construct or by name, for the checks of the Certificates that name them. */
  readonly known: IIssuer[];
  /** The Certificate of each `namespace/name`, shared by the routes that serve the same names there. */
  readonly certificates: Map<string, SharedCertificate>;
}

/** A Certificate that routes of one namespace share (one per host, or one wildcard). */
export interface SharedCertificate {
  /** The construct that emits it. */
  readonly owner: IConstruct;
  /** The issuer asked for explicitly, or undefined for the platform's. */
  readonly issuer?: IIssuer;
  readonly secretName: string;
}

const state = new WeakMap<PlatformContext, PlatformTls>();

function tlsOf(platform: PlatformContext): PlatformTls {
  let tls = state.get(platform);
  if (!tls) {
    tls = { known: [], certificates: new Map() };
    state.set(platform, tls);
  }
  return tls;
}

/** Fails on `scope` unless `issuer` is an issuer reference a Certificate can name. */
export function requireIssuer(scope: IConstruct, what: string, issuer: IIssuer): IIssuer {
  if (typeof issuer !== 'object' || issuer === null || (issuer.kind !== 'ClusterIssuer' && issuer.kind !== 'Issuer')) {
    fail(scope, `${what} is not an issuer`, 'Pass an AcmeIssuer, or CertManager.existingIssuer(...) for one the cluster has');
  }
  if (typeof issuer.name !== 'string' || !isDnsSubdomain(issuer.name)) {
    fail(scope, `${what} has the name "${String(issuer.name)}", which is not an object name`, 'Use lowercase letters, digits, "-" and ".", e.g. "letsencrypt-production"');
  }
  if (issuer.kind === 'Issuer' && (typeof issuer.namespace !== 'string' || !isDnsLabel(issuer.namespace))) {
    fail(scope, `${what} is an Issuer without a namespace`, 'Name the namespace it lives in (only Certificates of that namespace can use it), or use a ClusterIssuer');
  }
  return issuer;
}

/** Records an issuer ballast knows (made here, or named as existing), for the checks of the Certificates. */
export function registerIssuer(scope: IConstruct, issuer: IIssuer): void {
  tlsOf(platformOf(scope)).known.push(issuer);
}

/** The issuers ballast knows on `platform`. */
export function knownIssuers(platform: PlatformContext): readonly IIssuer[] {
  return tlsOf(platform).known;
}

/**
 * Makes `issuer` the one that signs the certificate of every route that names none. Once per platform:
 * a second, different issuer is refused (routes would silently get the last one).
 */
export function useIssuer(platform: PlatformContext & IConstruct, issuer: IIssuer, by: IConstruct = platform): void {
  requireIssuer(by, 'the platform issuer', issuer);
  const tls = tlsOf(platform);
  const current = tls.issuer;
  if (current && !sameIssuer(current.issuer, issuer)) {
    fail(by, `the platform's issuer is already ${current.issuer.description} (set by ${current.setBy})`, 'Call useIssuer once; a route that needs another issuer names it with tls: { issuer }');
  }
  if (!tls.known.includes(issuer)) tls.known.push(issuer);
  tls.issuer = { issuer, setBy: constructPath(by) };
}

/** True when `a` and `b` name the same issuer (kind, name and namespace); undefined stands for the platform's. */
export function sameIssuer(a: IIssuer | undefined, b: IIssuer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace);
}

/** The issuer of routes that name none (`Platform.useIssuer`), if the platform has one. */
export function platformIssuer(platform: PlatformContext): IIssuer | undefined {
  return state.get(platform)?.issuer?.issuer;
}

/** The Certificate shared under `key` (`namespace/name`), if a route made it. */
export function sharedCertificate(platform: PlatformContext, key: string): SharedCertificate | undefined {
  return tlsOf(platform).certificates.get(key);
}

/** Records the Certificate that routes serving the same names in one namespace share. */
export function shareCertificate(platform: PlatformContext, key: string, certificate: SharedCertificate): void {
  tlsOf(platform).certificates.set(key, certificate);
}

/** Longest Certificate name: cert-manager copies it into label values (63 characters) with suffixes. */
const MAX_CERTIFICATE_NAME = 52;

/** A name of at most 52 characters from `text` (a host with dots as dashes), with a digest when shortened. */
export function certificateName(text: string): string {
  const name = text.replace(/\./g, '-').replace(/^\*-/, 'wildcard-');
  if (name.length <= MAX_CERTIFICATE_NAME) return name;
  const digest = crypto.createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_CERTIFICATE_NAME - 11).replace(/-+$/, '')}-${digest}`;
}

/** The wildcard name that covers `host` (`*.example.com` for `grafana.example.com`), or undefined for a host with no parent domain. */
export function wildcardOf(host: string): string | undefined {
  const dot = host.indexOf('.');
  const parent = dot < 0 ? '' : host.slice(dot + 1);
  return parent.includes('.') ? `*.${parent}` : undefined;
}

/** True when the certificate name `dnsName` (exact, or a wildcard of one label) covers `host`. */
export function coversHost(dnsName: string, host: string): boolean {
  const name = dnsName.toLowerCase();
  const h = host.toLowerCase();
  if (!name.startsWith('*.')) return name === h;
  // A wildcard stands for exactly one label: *.example.com covers a.example.com, not a.b.example.com.
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === name.slice(2);
}
