import { IConstruct } from 'constructs';
import { fail } from './errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `name` is a valid RFC 1123 label (namespaces, Service names): at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

/** True when `name` is a valid RFC 1123 subdomain (most object names, hosts): at most 253 characters. */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/** Fails on `scope` unless `value` is a DNS label; `what` names the property for the message. */
export function requireDnsLabel(scope: IConstruct, what: string, value: string): string {
  if (!isDnsLabel(value)) {
    fail(
      scope,
      `${what} "${value}" is not a valid DNS label`,
      'Use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
  }
  return value;
}
