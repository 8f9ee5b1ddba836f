// The grammars of the programs that read what ballast writes, as plain predicates. Each one cites the
// upstream rule it follows, so that a value ballast accepts is a value its consumer accepts, and a value
// its consumer refuses (or misreads) is refused here, at synth time, with a sentence saying why.
//
// Each predicate has a companion `describe…` sentence (no trailing period) for the fix part of an error.
// Everything here is pure and synchronous and imports nothing.

// ---------------------------------------------------------------------------------------------------
// Kubernetes quantities
// ---------------------------------------------------------------------------------------------------

/** What a quantity measures, which decides the units that make sense for it. */
export type QuantityKind = 'cpu' | 'memory' | 'storage';

/** One sentence saying what a CPU quantity looks like. */
export const describeCpuQuantity = 'Use a Kubernetes quantity such as "500m" or "1.5"';
/** One sentence saying what a memory quantity looks like. */
export const describeMemoryQuantity = 'Use a whole number of bytes with a binary suffix, such as "512Mi" or "2Gi"';
/** One sentence saying what a storage quantity looks like. */
export const describeStorageQuantity = 'Use a positive number of bytes with a binary suffix, such as "10Gi"';

// The number and suffix forms of resource.Quantity (k8s.io/apimachinery/pkg/api/resource, quantity.go):
//   <quantity> ::= <signedNumber><suffix>
//   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
// The suffix alternatives are exactly what suffix.go's interpret() accepts after parseQuantityString()
// has split the string: a table entry, or "e"/"E" followed by what strconv.ParseInt reads.
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
const BINARY_POWER: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_POWER: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

interface Quantity {
  readonly negative: boolean;
  /** All the digits of the number, without its point. */
  readonly digits: string;
  /** How many of `digits` come after the point. */
  readonly fractionDigits: number;
  readonly suffix: string;
  /** The value is `digits / 10^fractionDigits × 2^binaryPower` … */
  readonly binaryPower?: number;
  /** … or `digits / 10^fractionDigits × 10^decimalPower`. */
  readonly decimalPower?: bigint;
}

/**
 * Parses a quantity as `resource.ParseQuantity` does, with one deliberate difference: a number needs at
 * least one digit. (The Go scanner reads "+", "-", "." and "+.Ki" as zero, but the grammar above
 * excludes them and nobody writes them on purpose.)
 */
function parseQuantity(text: string): Quantity | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, whole, fraction = '', suffix = ''] = m;
  if (whole === '' && fraction === '') return undefined;
  const base = { negative: sign === '-', digits: whole + fraction, fractionDigits: fraction.length, suffix };
  if (suffix in BINARY_POWER) return { ...base, binaryPower: BINARY_POWER[suffix] };
  if (suffix in DECIMAL_POWER) return { ...base, decimalPower: BigInt(DECIMAL_POWER[suffix]) };
  // strconv.ParseInt(exponent, 10, 64) refuses what does not fit an int64.
  const exponent = BigInt(suffix.slice(1));
  if (exponent > INT64_MAX || exponent < INT64_MIN) return undefined;
  return { ...base, decimalPower: exponent };
}

function isZero(q: Quantity): boolean {
  return /^0*$/.test(q.digits);
}

/** True when the quantity is a whole number (of bytes, for memory and storage). */
function isWhole(q: Quantity): boolean {
  const digits = q.digits.replace(/^0+/, '');
  if (digits === '') return true;
  if (q.binaryPower !== undefined) {
    return (BigInt(digits) << BigInt(q.binaryPower)) % 10n ** BigInt(q.fractionDigits) === 0n;
  }
  const shift = (q.decimalPower ?? 0n) - BigInt(q.fractionDigits);
  if (shift >= 0n) return true;
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  return BigInt(trailingZeros) >= -shift;
}

/** Names the usual reason a size is not a quantity: a "B" for bytes, "K" for kilo, or the wrong case. */
function unitMistake(text: string): string | undefined {
  const unit = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)([A-Za-z]+)$/.exec(text)?.[1];
  if (unit === undefined) return undefined;
  const prefix = unit[0].toUpperCase();
  if (/^[kmgtpe]i?b$/i.test(unit)) {
    return `quantities have no "B" for bytes: write "${prefix}i" for powers of 1024 or "${prefix === 'K' ? 'k' : prefix}" for powers of 1000`;
  }
  if (unit === 'K') return '"K" is not a suffix: write "Ki" for 1024 or "k" for 1000';
  if (/^[kmgtpe]i$/i.test(unit) && !(unit in BINARY_POWER)) return `suffixes are case-sensitive: write "${prefix}i"`;
  return undefined;
}

/**
 * What is wrong with `value` as a Kubernetes quantity of the given kind, as one sentence without a
 * trailing period, or undefined when it is fine.
 *
 * The grammar is that of `resource.ParseQuantity` (k8s.io/apimachinery/pkg/api/resource, quantity.go
 * and suffix.go): an optional sign, digits with an optional fraction, and a suffix that is binary SI
 * (`Ki Mi Gi Ti Pi Ei`), decimal SI (`n u m k M G T P E` or none) or a decimal exponent (`e3`, `E-2`).
 * The API server refuses negative resource quantities (core/validation ValidateResourceQuantityValue)
 * and a zero storage request (ValidatePersistentVolumeClaimSpec uses ValidatePositiveQuantityValue).
 *
 * On top of that, for memory and storage, ballast refuses values the API server accepts but nobody
 * means: the sub-byte suffixes `m`, `u` and `n` (`512m` is 0.512 bytes, not 512 MiB) and any other
 * fraction of a byte (`1.5`). A JS number must be finite and not negative, and for memory and storage
 * a whole number of bytes.
 */
export function quantityProblem(value: string | number, kind: QuantityKind): string | undefined {
  const bytes = kind !== 'cpu';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${value} is not a finite number`;
    if (value < 0) return `${value} is negative`;
    if (bytes && !Number.isInteger(value)) return `${value} is not a whole number of bytes`;
    if (kind === 'storage' && value === 0) return 'a volume of 0 bytes cannot be requested';
    return undefined;
  }
  if (value === '') return `the ${kind} quantity is empty`;
  const q = parseQuantity(value);
  if (!q) {
    const mistake = unitMistake(value);
    return `"${value}" is not a Kubernetes quantity${mistake ? ` (${mistake})` : ''}`;
  }
  if (q.negative && !isZero(q)) return `"${value}" is negative`;
  if (bytes) {
    if (q.suffix === 'm') return `"${value}" is thousandths of a byte ("m" means milli): use "Mi" for mebibytes`;
    if (q.suffix === 'u' || q.suffix === 'n') return `"${value}" is a fraction of a byte ("${q.suffix}" is ${q.suffix === 'u' ? 'micro' : 'nano'})`;
    if (!isWhole(q)) return `"${value}" is not a whole number of bytes`;
  }
  if (kind === 'storage' && isZero(q)) return 'a volume of 0 bytes cannot be requested';
  return undefined;
}

/**
 * True when `value` is a Kubernetes quantity usable as CPU (k8s.io/apimachinery resource.ParseQuantity,
 * not negative): `100m`, `0.5`, `2`, `1500m`, `1k`, `.5`, `1e3`. Zero is allowed: a CPU request may be 0.
 */
export function isCpuQuantity(value: string | number): boolean {
  return quantityProblem(value, 'cpu') === undefined;
}

/**
 * True when `value` is a Kubernetes quantity usable as memory: valid for resource.ParseQuantity, not
 * negative, and a whole number of bytes (so `512m`, `0.5` and `1n` are refused; see quantityProblem).
 */
export function isMemoryQuantity(value: string | number): boolean {
  return quantityProblem(value, 'memory') === undefined;
}

/** True when `value` is a usable storage request: a memory-style quantity that is also greater than 0. */
export function isStorageQuantity(value: string | number): boolean {
  return quantityProblem(value, 'storage') === undefined;
}

// ---------------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------------

/** One sentence saying what a Go duration looks like. */
export const describeGoDuration = 'Use a Go duration such as "30s", "5m" or "1h30m" (units ns, us, ms, s, m and h)';
/** One sentence saying what a duration Flux accepts looks like. */
export const describeFluxDuration = 'Use a duration such as "1m", "10m30s" or "1.5h": numbers with a unit of ms, s, m or h, with no sign and no days';
/** One sentence saying what a Prometheus duration looks like. */
export const describePrometheusDuration =
  'Use a Prometheus duration such as "15d", "1h30m" or "30s": whole numbers with units y, w, d, h, m, s or ms, largest first, each at most once';

const GO_UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TWO_63 = 1n << 63n;

/** Nanoseconds of a Go duration, following `time.ParseDuration` (src/time/format.go) step by step. */
function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n; // the only number allowed without a unit
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const fraction = m?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) return undefined; // ".s", "-.s", "s"
    s = s.slice((m?.[0] ?? '').length);
    const unitLength = s.search(/[0-9.]/);
    const unit = unitLength < 0 ? s : s.slice(0, unitLength);
    if (unit === '') return undefined; // a number without a unit
    const ns = GO_UNIT_NS[unit];
    if (ns === undefined) return undefined;
    s = s.slice(unit.length);
    let v = whole === '' ? 0n : BigInt(whole);
    if (v > TWO_63 / ns) return undefined; // overflow
    v *= ns;
    // Go adds the fraction through a float64; exact arithmetic differs only in the last nanosecond.
    if (fraction) v += (BigInt(fraction) * ns) / 10n ** BigInt(fraction.length);
    total += v;
    if (total > TWO_63) return undefined;
  }
  if (!negative && total > TWO_63 - 1n) return undefined;
  return negative ? -total : total;
}

/**
 * True when `value` is a Go duration: `time.ParseDuration` (src/time/format.go). A possibly signed
 * sequence of decimal numbers, each with an optional fraction and a unit (`ns`, `us`, `µs`, `μs`, `ms`,
 * `s`, `m`, `h`), such as `300ms`, `-1.5h` or `2h45m`; `0` alone needs no unit; at most about 292 years.
 * Kubernetes' metav1.Duration parses with it.
 */
export function isGoDuration(value: string): boolean {
  return parseGoDuration(value) !== undefined;
}

/** Nanoseconds of a Go duration (see isGoDuration), or undefined when it is not one. */
export function goDurationNanoseconds(value: string): bigint | undefined {
  return parseGoDuration(value);
}

/** True when `value` is a Go duration (see isGoDuration) longer than zero, as intervals and timeouts must be. */
export function isPositiveGoDuration(value: string): boolean {
  const ns = parseGoDuration(value);
  return ns !== undefined && ns > 0n;
}

/**
 * True when Flux accepts `value` as an interval, timeout or retry interval. These fields are
 * metav1.Duration (so time.ParseDuration must read them), and Flux's CRDs also constrain them with the
 * OpenAPI pattern `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$` (fluxcd source-controller, kustomize-controller,
 * helm-controller config/crd/bases): no sign, no `0` alone, no `ns`/`us`, no `.5s` or `1.s`.
 */
export function isFluxDuration(value: string): boolean {
  return /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(value) && isGoDuration(value);
}

/** True when `value` is a Flux duration (see isFluxDuration) longer than zero: an interval or timeout that can tick. */
export function isPositiveFluxDuration(value: unknown): boolean {
  return typeof value === 'string' && isFluxDuration(value) && isPositiveGoDuration(value);
}

const PROMETHEUS_UNITS: readonly (readonly [string, bigint])[] = [
  ['y', 365n * 24n * 3_600_000_000_000n],
  ['w', 7n * 24n * 3_600_000_000_000n],
  ['d', 24n * 3_600_000_000_000n],
  ['h', 3_600_000_000_000n],
  ['m', 60_000_000_000n],
  ['s', 1_000_000_000n],
  ['ms', 1_000_000n],
];

/**
 * True when `value` is a Prometheus duration: `model.ParseDuration` (prometheus/common model/time.go),
 * which Prometheus uses for retention, scrape intervals and rule `for:`. `0` alone, or whole numbers
 * each followed by a unit of `y` (365d), `w`, `d`, `h`, `m`, `s`, `ms`, largest unit first and each at
 * most once: `1d12h`, `30d`, `15s`, `1h30m`. No fractions (`1.5h`), no sign, no spaces, not empty, and at
 * most 2^63-1 nanoseconds (about 292 years).
 */
export function isPrometheusDuration(value: string): boolean {
  if (value === '0') return true;
  if (value === '') return false;
  let s = value;
  let lastUnit = -1;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]+)([^0-9]+)/.exec(s);
    if (!m) return false;
    const unit = PROMETHEUS_UNITS.findIndex(([name]) => name === m[2]);
    if (unit <= lastUnit) return false; // unknown (-1), repeated or out of order
    lastUnit = unit;
    const ns = PROMETHEUS_UNITS[unit][1];
    const v = BigInt(m[1]);
    if (v > TWO_63 / ns) return false;
    total += v * ns;
    if (total > TWO_63 - 1n) return false;
    s = s.slice(m[0].length);
  }
  return true;
}

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
