import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import type { MiddlewareRef } from '../../core/interfaces';
import { requireDnsLabel } from '../../core/names';
import { isIpRange } from '../../core/grammar';

export type { MiddlewareRef } from '../../core/interfaces';

/** Properties of an IP allow-list Middleware. */
export interface IpAllowListProps {
  /** Object name. */
  readonly name: string;
  /** Client networks allowed through, as CIDRs (IPv4 or IPv6). */
  readonly sourceRange: string[];
  /**
   * How many proxies in front of Traefik to skip when reading the client IP from `X-Forwarded-For`.
   * @default the connection's remote address is used
   */
  readonly ipStrategyDepth?: number;
}

/** Properties of a basic-auth Middleware. */
export interface BasicAuthProps {
  /** Object name. */
  readonly name: string;
  /** Secret in the same namespace whose `users` key holds htpasswd lines. */
  readonly secretName: string;
  /** @default 'traefik' */
  readonly realm?: string;
  /** Drop the Authorization header before forwarding. @default true */
  readonly removeHeader?: boolean;
}

/** A Traefik Middleware (`traefik.io/v1alpha1`). */
export class Middleware extends Construct implements MiddlewareRef {
  /** Lets only clients from `sourceRange` through. */
  public static ipAllowList(scope: Construct, id: string, props: IpAllowListProps): Middleware {
    if (props.sourceRange.length === 0) {
      fail(scope, `IP allow-list "${props.name}" has an empty sourceRange`, 'List at least one CIDR, e.g. "10.0.0.0/8"');
    }
    for (const cidr of props.sourceRange) {
      if (!isIpRange(cidr)) {
        fail(scope, `IP allow-list "${props.name}" has "${cidr}" in sourceRange, which is not an IP range`, 'Use CIDR notation such as "192.168.0.0/16"');
      }
    }
    return new Middleware(scope, id, props.name, {
      ipAllowList: {
        sourceRange: props.sourceRange,
        ...(props.ipStrategyDepth !== undefined ? { ipStrategy: { depth: props.ipStrategyDepth } } : {}),
      },
    });
  }

  /** Asks for a user name and password checked against the htpasswd lines of a Secret. */
  public static basicAuth(scope: Construct, id: string, props: BasicAuthProps): Middleware {
    return new Middleware(scope, id, props.name, {
      basicAuth: { secret: props.secretName, realm: props.realm ?? 'traefik', removeHeader: props.removeHeader ?? true },
    });
  }

  public readonly name: string;
  public readonly namespace: string;

  private constructor(scope: Construct, id: string, name: string, spec: Record<string, unknown>) {
    super(scope, id);
    this.name = requireDnsLabel(this, 'Middleware name', name);
    const obj = new ApiObject(this, 'resource', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name },
      spec,
    });
    this.namespace = obj.metadata.namespace!;
  }
}
