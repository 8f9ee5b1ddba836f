// The grammars of the programs that read what ballast writes, as plain predicates. Each one cites the
// upstream rule it follows, so that a value ballast accepts is a value its consumer accepts, and a value
// its consumer refuses (or misreads) is refused here, at synth time, with a sentence saying why.
//
// Each predicate has a companion `describe…` sentence (no trailing period) for the fix part of an error.
// Everything here is pure and synchronous and imports nothing.
//
// Durations and quantities are typed values in the props (lib/core/durations.ts, lib/core/quantities.ts);
// the Go and Flux duration text ballast reads from files is checked in lib/core/duration-grammar.ts.

// ---------------------------------------------------------------------------------------------------
// Git branch names
// ---------------------------------------------------------------------------------------------------

/** One sentence saying what a branch name looks like. */
export const describeGitBranch =
  'Use the short name of a branch, such as "main" or "release/1.2", without spaces, control characters, "~ ^ : ? * [ \\", "..", "@{", a leading "-", a "/"-separated part starting with "." or ending with ".lock", or a trailing "/" or "."';

/**
 * What is wrong with `branch` as a branch name given by a user, as one sentence without a trailing
 * period, or undefined when it is fine.
 *
 * Implements `git check-ref-format --branch`: git's check_branch_ref() prefixes `refs/heads/`, refuses a
 * leading `-` and `HEAD`, then applies check_refname_format() and check_refname_component() (refs.c):
 * no ASCII control character, DEL, space, `~ ^ : ? * [ \`; no `..`; no `@{`; no empty part (`//`, a
 * leading or trailing `/`); no part starting with `.` or ending with `.lock`; no trailing `.`. `@` alone
 * is refused too: inside a repository git reads it as HEAD.
 *
 * Ballast's own rule: the name must not start with `refs/`. The user gives `main`, not `refs/heads/main`
 * (which git would take as the branch `refs/heads/refs/heads/main`).
 */
export function gitRefProblem(branch: string): string | undefined {
  if (branch === '') return 'the branch name is empty';
  if (branch.startsWith('refs/')) return `"${branch}" is a full ref name, not a branch name`;
  if (branch.startsWith('-')) return `the branch name "${branch}" starts with "-"`;
  if (branch === 'HEAD' || branch === '@') return `"${branch}" names the current commit, not a branch`;
  for (const ch of branch) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return `the branch name "${branch}" contains a control character`;
    if (' ~^:?*[\\'.includes(ch)) return `the branch name "${branch}" contains ${ch === ' ' ? 'a space' : `"${ch}"`}`;
  }
  if (branch.includes('..')) return `the branch name "${branch}" contains ".."`;
  if (branch.includes('@{')) return `the branch name "${branch}" contains "@{"`;
  if (branch.endsWith('/')) return `the branch name "${branch}" ends with "/"`;
  if (branch.endsWith('.')) return `the branch name "${branch}" ends with "."`;
  for (const part of branch.split('/')) {
    if (part === '') return `the branch name "${branch}" has an empty part between slashes`;
    if (part.startsWith('.')) return `the branch name "${branch}" has a part starting with "."`;
    if (part.endsWith('.lock')) return `the branch name "${branch}" has a part ending with ".lock"`;
  }
  return undefined;
}

/** True when gitRefProblem finds nothing wrong with `branch`. */
export function isGitBranchName(branch: string): boolean {
  return gitRefProblem(branch) === undefined;
}

// ---------------------------------------------------------------------------------------------------
// Names and numbers
// ---------------------------------------------------------------------------------------------------

/** One sentence saying what a Terraform identifier looks like. */
export const describeTerraformIdentifier = 'Use ASCII letters, digits, "_" and "-", starting with a letter or "_", such as "app_db"';

/**
 * True when `value` is a Terraform (HCL) identifier, as resource and variable names must be:
 * hclsyntax.ValidIdentifier (hashicorp/hcl, hclsyntax scan_tokens.rl: `(ID_Start | '_') (ID_Continue | '-')*`).
 * HCL allows any Unicode letter; ballast restricts to ASCII so that names stay portable to state
 * addresses, file names and shells.
 */
export function isTerraformIdentifier(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(value);
}

/** One sentence saying what a Helm release name looks like. */
export const describeHelmReleaseName =
  'Use at most 53 lowercase letters, digits, "-" and ".", each "."-separated part starting and ending with a letter or digit, such as "traefik"';

/**
 * True when Helm 3 accepts `value` as a release name: chartutil.ValidateReleaseName (helm/helm
 * pkg/chartutil/validate_name.go): not empty, at most 53 characters (`maxReleaseNameLen`, leaving room
 * for suffixes Helm and charts add to object names), and the regexp
 * `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.
 */
export function isHelmReleaseName(value: string): boolean {
  return value.length <= 53 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value);
}

/** One sentence saying what an environment variable name looks like. */
export const describeEnvVarName = 'Use a name of printable ASCII characters without "=", such as "DATABASE_URL"';

/**
 * True when a Kubernetes 1.34 API server accepts `value` as a container environment variable name:
 * validation.IsRelaxedEnvVarName (k8s.io/apimachinery/pkg/util/validation): not empty, and only
 * printable ASCII (U+0020 to U+007E, space included, as Go's unicode.IsPrint has it) other than `=`.
 * The RelaxedEnvironmentVariableValidation gate that selects this rule over the older
 * `^[-._a-zA-Z][-._a-zA-Z0-9]*$` (IsEnvVarName) is beta and on by default since 1.32 and GA, locked on,
 * in 1.34 (pkg/features/kube_features.go).
 */
export function isEnvVarName(value: string): boolean {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(value);
}

/** One sentence saying what a port looks like. */
export const describePort = 'Use a whole number from 1 to 65535';

/** True when `value` is a TCP/UDP port number a Service or container can use: an integer from 1 to 65535. */
export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

const IPV4_RANGE = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}(\/([0-9]|[12][0-9]|3[0-2]))?$/;
const IPV6_RANGE = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?$/;

/** True when `value` is an IPv4 or IPv6 address, or a range of them in CIDR notation (`10.0.0.0/8`). */
export function isIpRange(value: string): boolean {
  return IPV4_RANGE.test(value) || IPV6_RANGE.test(value);
}

/** True when `value` is a range in CIDR notation, its prefix length written (a NetworkPolicy's ipBlock). */
export function isCidr(value: string): boolean {
  return value.includes('/') && isIpRange(value);
}

/** One sentence saying what a non-negative integer looks like. */
export const describeNonNegativeInteger = 'Use a whole number, 0 or more';
/** One sentence saying what a positive integer looks like. */
export const describePositiveInteger = 'Use a whole number, 1 or more';

/** True when `value` is a whole number of 0 or more that a JS number holds exactly (replica counts, retries). */
export function isNonNegativeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** True when `value` is a whole number of 1 or more that a JS number holds exactly. */
export function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}

// ---------------------------------------------------------------------------------------------------
// Paths, URLs and namespaces
// ---------------------------------------------------------------------------------------------------

/** One sentence saying what a path inside the repository looks like. */
export const describeSafeRelativePath =
  'Use a relative path inside the repository, such as "clusters/prod" or "./apps", with "/" between parts and no "..", "." or empty parts, backslashes or leading "/"';

/**
 * True when `path` is a relative POSIX path that stays inside the repository it is resolved in (a Flux
 * Kustomization `path`, a file ballast writes). One leading `./` is allowed, as Flux's examples write
 * it; otherwise every `/`-separated part must be a real name: not empty (`a//b`, a trailing `/`), not
 * `.` and not `..` (even `a/../b`, which stays inside, reads as an attempt to leave). Backslashes and NUL
 * are refused: one is a separator on Windows, the other ends the path for the C library.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.includes('\0') || path.includes('\\') || path.startsWith('/')) return false;
  const rest = path.startsWith('./') ? path.slice(2) : path;
  return rest !== '' && rest.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** One sentence saying how to give a URL without credentials. */
export const describeUrlWithoutCredentials =
  'Remove the credentials from the URL and supply them through a Secret instead (for a Flux source, spec.secretRef)';

/** Query keys that carry a credential, compared lowercase with `-` and `_` removed. */
function isCredentialQueryKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return ['pass', 'pwd', 'sig'].includes(k) || /(token|password|passwd|secret|apikey|signature)$/.test(k);
}

/**
 * What credential `url` carries, as one sentence without a trailing period, or undefined when it carries
 * none (or is not a URL at all: other validators report that).
 *
 * Anything in a URL ends up in Git in plain text, in Flux status conditions and in logs. Flagged: a
 * password in the user-info (`https://user:token@host`, also on `ssh://` and every other scheme); any
 * user-info on `http:`/`https:` (`https://ghp_xxx@github.com/…` is a token, not a user name); a query
 * parameter named like `token`, `access_token`, `private_token`, `password`, `client_secret`, `api_key`,
 * `sig` or `X-Amz-Signature`. A user name alone on `ssh://` (`ssh://git@host/repo`) is how SSH URLs
 * name the account and is fine. Parsed with the WHATWG URL class, as Node does.
 */
export function urlCredentialsProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // `https://user:pa/ss@host` does not parse (the "/" ends the authority), yet holds a password.
    if (/^https?:\/\//i.test(url) && url.split(/[?#]/)[0].includes('@')) return 'the URL carries "@", before which an HTTP(S) URL holds user-info (a credential)';
    return undefined;
  }
  if (parsed.password !== '') return 'the URL carries a password in its user-info part ("user:…@")';
  if (parsed.username !== '' && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
    return 'the URL carries a user name or token before "@", which an HTTP(S) URL only holds as a credential';
  }
  for (const key of parsed.searchParams.keys()) {
    if (isCredentialQueryKey(key)) return `the URL's query parameter "${key}" carries a credential`;
  }
  return undefined;
}

/**
 * Namespaces ballast does not deploy applications into: Kubernetes' own (`default`, `kube-system`,
 * `kube-public`, `kube-node-lease`) and Flux's (`flux-system`), which ballast manages itself.
 */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system'];

/** One sentence saying which namespaces to use instead of a reserved one. */
export const describeOwnNamespace =
  'Use a namespace of your own, such as "apps"; "default", "flux-system" and names starting with "kube-" are reserved';

/**
 * True when `namespace` is reserved: one of RESERVED_NAMESPACES, or any name starting with `kube-`,
 * the prefix Kubernetes keeps for system namespaces (kubernetes.io "Namespaces": "Avoid creating
 * namespaces with the prefix kube-, since it is reserved for Kubernetes system namespaces").
 */
export function isReservedNamespace(namespace: string): boolean {
  return RESERVED_NAMESPACES.includes(namespace) || namespace.startsWith('kube-');
}

/**
 * True when `namespace` is one Kubernetes makes itself (`default` and the `kube-` prefix): ballast never
 * creates nor prunes it, even when a component is allowed there. `flux-system` is reserved too, but it is
 * created by whatever installs Flux (ballast's Flux component), so it is not built in.
 */
export function isBuiltInNamespace(namespace: string): boolean {
  return namespace === 'default' || namespace.startsWith('kube-');
}

// ---------------------------------------------------------------------------------------------------
// Helm values keys that hold secrets
// ---------------------------------------------------------------------------------------------------

/** One sentence saying how to pass a secret value to a chart. */
export const describeSecretValueKey =
  'Put the value in a Secret and point the chart at it (its existingSecret or secretKeyRef setting) instead of writing it in the values';

/** Last words of keys that hold a secret value. */
const SECRET_WORDS = new Set(['password', 'passwords', 'passwd', 'pass', 'passphrase', 'secret', 'token', 'credential', 'credentials']);
/** Words that, before a final `key`, make it a key value rather than the name of a key in a Secret. */
const KEY_VALUE_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'encryption', 'signing']);
/** First words of keys that name, create or switch on a Secret rather than hold a value. */
const REFERENCE_FIRST_WORDS = new Set(['existing', 'create', 'use', 'generate', 'mount', 'enable']);

/** Splits `adminPassword`, `admin_password`, `ADMIN-PASSWORD` and `APIKey` into lowercase words. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/**
 * True when a Helm values key conventionally holds a secret value, so that a literal under it would be
 * committed in plain text. Only the last segment of a dotted path counts (`auth.postgresPassword` →
 * `postgresPassword`; array indexes are dropped). It is split into words (camelCase, snake_case,
 * kebab-case, UPPER_CASE) and judged by its last word, so a secret word elsewhere does not count:
 *
 * | key                                               | flagged | why                                                 |
 * | ------------------------------------------------- | ------- | --------------------------------------------------- |
 * | password, adminPassword, POSTGRES_PASSWORD        | yes     | ends in password (also passwd, passphrase)          |
 * | pass, dbPass                                      | yes     | the word pass; not bypass, passthrough, compass     |
 * | secret, clientSecret, client_secret, jwtSecret    | yes     | ends in secret                                      |
 * | token, apiToken, accessToken, bearerToken         | yes     | ends in token                                       |
 * | credentials, awsCredentials                       | yes     | ends in credential(s)                               |
 * | apiKey, api_key, privateKey, accessKey, secretKey | yes     | key after api/private/access/secret/encryption/signing |
 * | secretAccessKey, sshPrivateKey                    | yes     | same rule                                           |
 * | passwordKey, userPasswordKey, tokenKey            | no      | the name of a key inside a Secret                   |
 * | secretName, passwordSecretName, secretRef         | no      | ends in name/ref: names a Secret                    |
 * | secretKeyRef, privateKeySecretRef                 | no      | ends in ref                                         |
 * | existingSecret, existingSecretPasswordKey         | no      | starts with existing: names a Secret                |
 * | createSecret, useSecret, generatePassword         | no      | a switch about a Secret, not its value              |
 * | secrets, imagePullSecrets, secretKeys             | no      | plural lists or maps of Secret references           |
 * | tokenTTL, passwordLength, passwordFile, passwordHash | no   | a setting about the secret, not the secret          |
 * | key, tlsKey, accessKeyId                          | no      | ambiguous or not secret (ids, file names)           |
 *
 * Apply it to string leaves: a key like `secret` that holds a map is a section, not a value.
 */
export function looksLikePasswordKey(key: string): boolean {
  const segment = key.replace(/(\[[^\]]*\])+$/, '').split(/[./]/).pop() ?? '';
  const words = keyWords(segment);
  if (words.length === 0 || REFERENCE_FIRST_WORDS.has(words[0])) return false;
  const last = words[words.length - 1];
  if (SECRET_WORDS.has(last)) return true;
  return last === 'key' && words.length >= 2 && KEY_VALUE_QUALIFIERS.has(words[words.length - 2]);
}
