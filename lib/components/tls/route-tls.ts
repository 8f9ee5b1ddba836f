import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { constructPath, fail } from '../../core/errors';
import { platformOf } from '../../core/platform-context';
import { certificateName, IIssuer, requireIssuer, sameIssuer, shareCertificate, sharedCertificate, wildcardOf } from '../../core/tls';
import { Certificate } from './certificate';

/** How a route gets its certificate: from cert-manager, for its host or its parent domain. */
export interface RouteCertificateOptions {
  /** The issuer of the route's certificate. @default the platform's issuer (`Platform.useIssuer`) */
  readonly issuer?: IIssuer;
  /**
   * One wildcard certificate of the host's parent domain (`*.example.com`), shared by every route of the
   * namespace that asks for it, instead of one per host. It needs an issuer that signs wildcards (ACME
   * through DNS-01). Each namespace gets its own copy: Let's Encrypt signs at most 5 certificates of the
   * same names a week, so keep wildcard routes to a few namespaces.
   * @default false: a certificate of the host, shared by the routes of the namespace that serve the host
   */
  readonly wildcard?: boolean;
  readonly disabled?: never;
}

/**
 * A route served without a certificate of its own, on purpose: TLS ends in front of Traefik (a cloud load
 * balancer), or the route is plain HTTP on the `web` entry point. On `websecure` Traefik then answers with
 * its self-signed default certificate.
 */
export interface RouteWithoutTls {
  /** Why, in a few words. Written beside the route, as the annotation `ballast.dev/tls-disabled`. */
  readonly disabled: string;
  readonly issuer?: never;
  readonly wildcard?: never;
}

/** The TLS of a route: a certificate (the default), or none with the reason. */
export type RouteTls = RouteCertificateOptions | RouteWithoutTls;

/** What a route writes: the TLS Secret of its certificate, or the reason it has none. */
export type RouteTlsResult = { readonly secretName: string } | { readonly disabled: string };

/**
 * The certificate of a route answering `host`: a Certificate in the route's namespace, made by the first
 * route that needs it (as a child of `route`) and shared with the routes after it, or the opt-out.
 */
export function routeTls(route: Construct, host: string, tls: RouteTls | undefined): RouteTlsResult {
  if (tls !== undefined && (typeof tls !== 'object' || tls === null)) {
    fail(route, `tls is a ${tls === null ? 'null' : typeof tls}`, "Leave tls out for a certificate from the platform's issuer, give { issuer } or { wildcard: true }, or { disabled: '<reason>' }");
  }
  if (tls && 'disabled' in tls && tls.disabled !== undefined) {
    if (typeof tls.disabled !== 'string' || tls.disabled.trim() === '' || /[\u0000-\u001f\u007f]/.test(tls.disabled) || tls.disabled.length > 200) {
      fail(route, 'tls.disabled gives no reason', "Say in one line why the route has no certificate, e.g. tls: { disabled: 'TLS ends at the cloud load balancer' }");
    }
    if (tls.issuer !== undefined || tls.wildcard !== undefined) {
      fail(route, 'tls has disabled together with issuer or wildcard', 'Choose one: a certificate (issuer, wildcard) or none (disabled)');
    }
    return { disabled: tls.disabled };
  }
  const issuer = tls?.issuer === undefined ? undefined : requireIssuer(route, 'tls.issuer', tls.issuer);
  const wildcard = tls?.wildcard ?? false;
  if (typeof wildcard !== 'boolean') fail(route, `tls.wildcard is a ${typeof wildcard}`, 'Use true or false');
  let dnsName = host;
  if (wildcard) {
    const name = wildcardOf(host);
    if (!name) fail(route, `host "${host}" has no parent domain a wildcard certificate could name`, 'Use a certificate of the host (leave wildcard out)');
    if (issuer?.issuesWildcards === false) {
      fail(route, `tls.wildcard asks ${issuer.description} for ${name}, but it cannot sign wildcard names (ACME validates them through DNS-01 only)`, 'Use an issuer with a DNS-01 solver, or a certificate of the host');
    }
    dnsName = name;
  }

  const platform = platformOf(route);
  const namespace = Chart.of(route).namespace ?? '';
  const name = certificateName(dnsName);
  const key = `${namespace}/${name}`;
  const shared = sharedCertificate(platform, key);
  if (shared) {
    // Two routes of one host (a UI and its /api) in one namespace share the Certificate and its Secret.
    if (!sameIssuer(shared.issuer, issuer)) {
      const what = (i: IIssuer | undefined) => (i ? i.description : "the platform's issuer");
      fail(route, `its certificate of ${dnsName} in namespace "${namespace}" is already asked of ${what(shared.issuer)} by ${constructPath(shared.owner)}, and this route asks ${what(issuer)}`, 'Give the routes of one host the same tls.issuer');
    }
    return { secretName: shared.secretName };
  }
  const certificate = new Certificate(route, 'certificate', { name, dnsNames: [dnsName], issuer });
  shareCertificate(platform, key, { owner: certificate, issuer, secretName: certificate.secretName });
  return { secretName: certificate.secretName };
}
