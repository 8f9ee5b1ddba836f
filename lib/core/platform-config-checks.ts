import { ConfigProblem } from './errors';
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from './names';
import { durationProblem, describeDuration } from './durations';
import { cpuProblem, describeCpu, describeSize, sizeProblem } from './quantities';
import { K6_METRICS_MODES } from './k6-metrics';
import { SecretValue } from './secret';
import { releasePolicyProblems } from './release-policy';
import { gitRefProblem, isSafeRelativePath, urlCredentialsProblem } from './grammar';
import { stateBackendProblems } from './state-backend-config';

import { DEFAULT_SECRETS_FILE, PlatformConfig } from './platform-config';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `url` with the password (or a lone token) of its user part replaced, for messages. */
function redactedUrl(url: string): string {
  const text = String(url);
  // A user name alone is how ssh:// URLs name the account; anything else before "@" may be a token.
  return /^ssh:\/\/[^/:@\s]*@/.test(text) ? text : text.replace(/\/\/[^/@\s]*@/, '//***@');
}

/**
 * `$BALLAST_SECRETS_FILE`, else `ballast-secrets.sops.yaml`; in a fleet the cluster's name goes before
 * `.sops.yaml` (`ballast-secrets.staging.sops.yaml`), since every cluster has its own generated values.
 */
export function defaultSecretsFile(fleetCluster: string | undefined): string {
  const file = process.env.BALLAST_SECRETS_FILE || DEFAULT_SECRETS_FILE;
  if (fleetCluster === undefined) return file;
  return file.endsWith('.sops.yaml') ? `${file.slice(0, -'.sops.yaml'.length)}.${fleetCluster}.sops.yaml` : `${file}.${fleetCluster}`;
}

/** Every problem of a platform's config, at `path` (the Platform's construct path). */
export function checkConfig(path: string, config: PlatformConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (problem: string, fix: string) => problems.push({ path, problem, fix });

  if (!config.domain) {
    add('domain is empty', 'Set domain to the DNS domain the platform serves, e.g. "example.com"');
  } else if (!isDnsSubdomain(config.domain) || !config.domain.includes('.')) {
    add(`domain "${config.domain}" is not a DNS domain`, 'Use a lowercase domain with at least one dot, e.g. "example.com"');
  }
  if (!isDnsLabel(config.clusterName ?? '')) {
    add(
      `clusterName "${config.clusterName ?? ''}" is not a valid DNS label`,
      'Use at most 63 lowercase letters, digits and "-", e.g. "production"',
    );
  }
  const url = config.git?.url ?? '';
  const credentials = urlCredentialsProblem(url);
  if (!/^(https?|ssh):\/\/[^\s]+$/.test(url)) {
    add(`git.url "${redactedUrl(url)}" is not an http(s):// or ssh:// URL`, 'Set git.url to the clone URL of the repository Flux watches');
  } else if (credentials) {
    // The URL is written into the FluxInstance (Terraform JSON) and Git: a token in it would be in plain text there.
    add(`git.url holds a credential (${credentials}), which would be written to the output in plain text`, 'Remove the credentials from the URL and set git.auth: { username, password: SecretValue.fromVariable(...) }');
  }
  if (config.git?.auth !== undefined) {
    const auth = config.git.auth as { username?: unknown; password?: unknown };
    if (!SecretValue.isSecretValue(auth.password)) {
      add(`git.auth.password is a ${auth.password === null ? 'null' : typeof auth.password}, not a SecretValue, and would be written to the output as it is`, 'Pass SecretValue.fromVariable("git_token", "...") (or fromEnv, fromFile)');
    }
    if (typeof auth.username !== 'string' || auth.username === '' || /[\s:]/.test(auth.username)) {
      add('git.auth.username is not a user name', 'Give the user name of the token (for GitHub any non-empty name, e.g. "git")');
    }
  }
  if (config.git?.auth && !url.startsWith('https://')) {
    add(`git.auth is set but git.url "${redactedUrl(url)}" is not an https:// URL`, 'Use the https:// clone URL with git.auth, or remove git.auth');
  }
  if (config.git?.branch !== undefined) {
    const problem = typeof config.git.branch === 'string' ? gitRefProblem(config.git.branch) : 'is not a string';
    if (problem) add(`git.branch "${String(config.git.branch)}" ${problem}`, 'Set git.branch to the short name of a branch, e.g. "main" or "release/1.x"');
  }
  const gitPath = config.git?.path;
  if (gitPath !== undefined && gitPath !== '' && (!isSafeRelativePath(gitPath) || !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(gitPath) || gitPath.split('/').some((p) => p === '.' || p === '..'))) {
    add(`git.path "${gitPath}" is not a folder inside the repository`, 'Use a relative path like "flux" or "deploy/flux", without "..", leading or trailing slash');
  }
  for (const [key, value] of Object.entries(config.flux ?? {})) {
    if (!['interval', 'retryInterval', 'timeout'].includes(key)) {
      add(`flux.${key} is not a setting`, 'Use interval, retryInterval or timeout');
    } else if (value !== undefined) {
      const problem = durationProblem(value);
      if (problem) add(`flux.${key} ${problem}`, describeDuration);
    }
  }

  if (config.k6Metrics !== undefined && !K6_METRICS_MODES.includes(config.k6Metrics)) {
    add(`k6Metrics "${String(config.k6Metrics)}" is not a k6 metrics mode`, `Use one of ${K6_METRICS_MODES.map((m) => `"${m}"`).join(', ')}`);
  }

  for (const r of config.sops?.ageRecipients ?? []) {
    if (!/^age1[02-9ac-hj-np-z]{58}$/.test(r)) add(`sops.ageRecipients has "${r}", which is not an age public key`, 'Use the public key age-keygen prints ("age1" and 58 more characters)');
  }

  if (config.terraform?.backend !== undefined) {
    for (const p of stateBackendProblems(config.terraform.backend, 'terraform.backend')) add(p.problem, p.fix);
  }
  for (const p of releasePolicyProblems(config.releasePolicy, 'releasePolicy')) add(p.problem, p.fix);
  const runbooks = config.runbookBaseUrl as unknown;
  if (runbooks !== undefined && (typeof runbooks !== 'string' || !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(runbooks))) {
    add(`runbookBaseUrl "${String(runbooks)}" is not an http(s) URL`, 'Give the base URL of your runbooks without credentials, e.g. "https://wiki.example.com/runbooks", or leave it out for the Grafana runbook dashboards');
  }
  const optOut = config.networkPolicies as { disabled?: unknown } | undefined;
  if (optOut !== undefined && (typeof optOut?.disabled !== 'string' || optOut.disabled.trim() === '')) {
    add('networkPolicies.disabled has no reason', "Say why no namespace gets NetworkPolicies, e.g. { disabled: 'the CNI enforces none' }, or leave networkPolicies out");
  }

  const seen = new Set<string>();
  for (const pool of config.nodePools ?? []) {
    if (seen.has(pool.name)) add(`node pool "${pool.name}" is defined twice`, 'Give every node pool a unique name');
    seen.add(pool.name);
    if (!isDnsLabel(pool.name)) add(`node pool name "${pool.name}" is not a valid DNS label`, 'Use lowercase letters, digits and "-"');
    if (Object.keys(pool.labels ?? {}).length === 0) {
      add(`node pool "${pool.name}" has no labels`, 'Give the pool the labels its nodes carry, so workloads can select them');
    }
    for (const [key, value] of Object.entries(pool.labels ?? {})) {
      if (!isLabelKey(key)) {
        add(
          `node pool "${pool.name}" has the label key "${key}", which is not a valid Kubernetes label key`,
          'Use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "." (e.g. "node.example.com/pool")',
        );
      }
      if (typeof value !== 'string' || !isLabelValue(value)) {
        add(
          `node pool "${pool.name}" has the label "${key}" with value "${String(value)}", which is not a valid label value`,
          'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
        );
      }
    }
    if (pool.capacity) {
      const { nodes, cpu, memory } = pool.capacity;
      if (!Number.isInteger(nodes) || nodes < 1) add(`node pool "${pool.name}" has capacity.nodes ${nodes}`, 'Give the number of nodes, 1 or more');
      const cpuWrong = cpuProblem(cpu);
      if (cpuWrong) add(`node pool "${pool.name}" has capacity.cpu that ${cpuWrong}`, `${describeCpu}, the allocatable CPU of one node`);
      const memoryWrong = sizeProblem(memory);
      if (memoryWrong) add(`node pool "${pool.name}" has capacity.memory that ${memoryWrong}`, `${describeSize}, the allocatable memory of one node`);
    }
    for (const taint of pool.taints ?? []) {
      if (!isLabelKey(taint.key ?? '')) {
        add(
          `node pool "${pool.name}" has a taint with key "${taint.key ?? ''}", which is not a valid Kubernetes taint key`,
          'Use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "."',
        );
      }
      if (taint.value !== undefined && !isLabelValue(taint.value)) {
        add(
          `node pool "${pool.name}" has a taint "${taint.key}" with value "${taint.value}", which is not a valid taint value`,
          'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
        );
      }
      if (!TAINT_EFFECTS.includes(taint.effect)) {
        add(`node pool "${pool.name}" has a taint with effect "${taint.effect}"`, `Use one of ${TAINT_EFFECTS.join(', ')}`);
      }
    }
  }
  return problems;
}
