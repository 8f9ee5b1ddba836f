import type { IConstruct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { describeEnvVarName, isEnvVarName } from '../../core/grammar';
import { isDnsSubdomain } from '../../core/names';
import { SecretValue } from '../../core/secret';
import type { ContainerEnv } from '../database/database-connection';

/**
 * An environment value: a plain string (not secret), a key of a Secret in the service's namespace, or a
 * SecretValue (ballast puts it in the Secret `<service>-env`, which the variable then reads).
 */
export type EnvValue = string | SecretValue | { readonly secretName: string; readonly key: string };

/** What the environment needs from its component. */
export interface EnvironmentHost {
  /** Records that the workload reads the Secret `name` (a Secret that must exist in the namespace). */
  referenceSecret(name: string, what: string): void;
  /** Declares the Secret that holds the SecretValues. */
  addSecret(name: string, values: Record<string, SecretValue>): void;
}

/**
 * The container's environment: plain values as they are, Secret keys by reference, and SecretValues
 * through the Secret `<service>-env` that the service declares for them. Problems are reported on `scope`.
 */
export function webServiceEnvironment(scope: IConstruct, service: string, values: Record<string, EnvValue>, host: EnvironmentHost): ContainerEnv[] {
  const secretName = `${service}-env`;
  const secret: Record<string, SecretValue> = {};
  const env = Object.entries(values).map(([name, v]): ContainerEnv => {
    if (!isEnvVarName(name)) reportProblem(scope, `env has the variable name "${name}"`, describeEnvVarName);
    if (typeof v === 'string') return { name, value: v };
    if (SecretValue.isSecretValue(v)) {
      if (!/^[-._a-zA-Z0-9]+$/.test(name)) reportProblem(scope, `env "${name}" takes a SecretValue, but a Secret key cannot be named so`, 'Use letters, digits, "-", "_" and "." in the names of secret variables');
      secret[name] = v;
      return { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } };
    }
    const ref = v as { secretName?: unknown; key?: unknown } | null;
    if (typeof ref?.secretName !== 'string' || !isDnsSubdomain(ref.secretName) || typeof ref.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
      reportProblem(scope, `env "${name}" is neither a string, a SecretValue nor a { secretName, key } of a Secret`, 'Give a plain string, a SecretValue, or the name and key of a Secret in the namespace');
      return { name, value: '' };
    }
    host.referenceSecret(ref.secretName, `env ${name}`);
    return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } };
  });
  if (Object.keys(secret).length > 0) host.addSecret(secretName, secret);
  return env;
}
