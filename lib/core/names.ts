import { IConstruct } from 'constructs';
import { reportProblem } from './errors';

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
    reportProblem(
      scope,
      `${what} "${value}" is not a valid DNS label`,
      'Use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
  }
  return value;
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * True when `key` is a valid label (or taint) key: an optional DNS-subdomain prefix and `/`, then a name
 * of at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit.
 */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** True when `value` is a valid label (or taint) value: empty, or a label name of at most 63 characters. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value));
}

const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** True when `value` is a Kubernetes quantity of bytes such as `50Gi` or `512M`. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/**
 * True when `name` is a PostgreSQL identifier that needs no quoting: lowercase letter or `_`, then
 * lowercase letters, digits or `_`, at most 63 bytes, and not in the reserved `pg_` prefix.
 */
export function isPostgresIdentifier(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name) && !name.startsWith('pg_');
}
