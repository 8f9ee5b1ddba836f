import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { isDnsSubdomain } from '../../core/names';
import { platformOf } from '../../core/platform-context';
import { IIssuer, platformIssuer, requireIssuer } from '../../core/tls';

/** Properties of a Certificate. */
export interface CertificateProps {
  /** Object name, at most 52 characters (cert-manager copies it into labels with suffixes). @default the construct id */
  readonly name?: string;
  /** The names the certificate covers: hosts, or one-label wildcards such as `*.example.com`. */
  readonly dnsNames: readonly string[];
  /** The TLS Secret cert-manager writes the key and certificate to, in the Certificate's namespace. @default `<name>-tls` */
  readonly secretName?: string;
  /**
   * The issuer that signs it.
   * @default the platform's issuer (`Platform.useIssuer`), read at synth: a platform without one fails synth
   */
  readonly issuer?: IIssuer;
}

/**
 * A cert-manager Certificate (`cert-manager.io/v1`): cert-manager asks the issuer for a certificate of
 * `dnsNames`, keeps it in the TLS Secret `secretName` and renews it before it expires.
 */
export class Certificate extends Construct {
  /** The Secret (type `kubernetes.io/tls`) cert-manager writes. */
  public readonly secretName: string;
  public readonly dnsNames: readonly string[];

  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    const name = props.name ?? id;
    if (!isDnsSubdomain(name) || name.length > 52) {
      reportProblem(this, `Certificate name "${name}" is not an object name of at most 52 characters`, 'Use lowercase letters, digits, "-" and "." (cert-manager adds suffixes to it in labels of 63 characters)');
    }
    if (!Array.isArray(props.dnsNames) || props.dnsNames.length === 0) {
      reportProblem(this, 'the Certificate has no dnsNames', 'Name the hosts it covers, e.g. ["grafana.example.com"]');
    }
    for (const dnsName of props.dnsNames) {
      const plain = typeof dnsName === 'string' && dnsName.startsWith('*.') ? dnsName.slice(2) : dnsName;
      if (typeof plain !== 'string' || !isDnsSubdomain(plain) || !plain.includes('.')) {
        reportProblem(this, `dnsNames has "${String(dnsName)}", which is neither a host nor a one-label wildcard of a domain`, 'Use names such as "grafana.example.com" or "*.example.com"');
      }
    }
    this.secretName = props.secretName ?? `${name}-tls`;
    if (!isDnsSubdomain(this.secretName)) {
      reportProblem(this, `secretName "${this.secretName}" is not a Secret name`, 'Use lowercase letters, digits, "-" and "."');
    }
    this.dnsNames = [...props.dnsNames];
    const explicit = props.issuer === undefined ? undefined : requireIssuer(this, 'issuer', props.issuer);
    const platform = platformOf(this);
    // The platform's issuer may be chosen after the routes are built (Traefik's dashboard route comes with
    // Traefik): it is read at synth, and the plan refuses a Certificate that still names none.
    const issuerRef = () => {
      const issuer = explicit ?? platformIssuer(platform);
      return issuer && { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name };
    };
    new ApiObject(this, 'resource', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name },
      spec: {
        secretName: this.secretName,
        dnsNames: this.dnsNames,
        issuerRef: Lazy.any({ produce: issuerRef }),
      },
    });
  }
}
