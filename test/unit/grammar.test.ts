// The consumers' grammars: every table row is a value and whether its consumer accepts it. The rows come
// from the upstream rules each predicate cites (and mostly from those projects' own tests and docs).
import {
  describeEnvVarName,
  describeGitBranch,
  describeHelmReleaseName,
  describeNonNegativeInteger,
  describeOwnNamespace,
  describePort,
  describePositiveInteger,
  describeSafeRelativePath,
  describeSecretValueKey,
  describeTerraformIdentifier,
  describeUrlWithoutCredentials,
  gitRefProblem,
  isBuiltInNamespace,
  isEnvVarName,
  isGitBranchName,
  isHelmReleaseName,
  isNonNegativeInteger,
  isPort,
  isPositiveInteger,
  isReservedNamespace,
  isSafeRelativePath,
  isTerraformIdentifier,
  looksLikePasswordKey,
  RESERVED_NAMESPACES,
  urlCredentialsProblem,
} from '../../lib/core/grammar';
import { describeFluxDuration, describeGoDuration, isFluxDuration, isGoDuration, isPositiveGoDuration } from '../../lib/core/duration-grammar';

// Go and Flux duration text, as ballast reads it from files, chart values and k6 options (props take a
// cdk8s Duration: test/unit/typed-values.test.ts).
describe('durations', () => {
  // Go src/time/format.go ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, "0" alone, at most 2^63-1 ns.
  test.each<[string, boolean]>([
    ['300ms', true],
    ['-1.5h', true],
    ['2h45m', true],
    ['0', true],
    ['-0', true],
    ['+5s', true],
    ['1.5s', true],
    ['.5s', true], // a fraction alone is allowed
    ['1.s', true], // so is a point with no fraction digits
    ['1h1h', true], // units may repeat and come in any order
    ['10us', true],
    ['10µs', true], // U+00B5 micro sign
    ['10μs', true], // U+03BC Greek mu
    ['2562047h', true], // just under the int64 limit
    ['2562048h', false], // over it
    ['-2562047h47m16.854775808s', true], // exactly -2^63 ns
    ['2562047h47m16.854775808s', false], // +2^63 ns does not fit
    ['', false],
    ['1', false], // a number needs a unit unless it is "0"
    ['00', false],
    ['1d', false], // no days in Go
    ['10 m', false],
    ['.s', false],
    ['-.s', false],
    ['s', false],
    ['1.5.5s', false],
    ['1S', false],
    ['-', false],
  ])('Go duration %p → %p', (value, ok) => {
    expect(isGoDuration(value)).toBe(ok);
  });

  test.each<[string, boolean]>([
    ['1s', true],
    ['1ns', true],
    ['0.5m', true],
    ['0', false],
    ['0s', false],
    ['-1m', false],
    ['0.0000000001s', false], // rounds down to zero nanoseconds
    ['1x', false],
    ['', false],
    ['-0', false],
  ])('positive Go duration %p → %p', (value, ok) => {
    expect(isPositiveGoDuration(value)).toBe(ok);
  });

  // Flux CRDs (source-, kustomize-, helm-controller config/crd/bases): metav1.Duration with the pattern
  // ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$.
  test.each<[string, boolean]>([
    ['1m', true],
    ['10m30s', true],
    ['1.5h', true],
    ['500ms', true],
    ['60s', true],
    ['0', false], // valid Go, refused by the CRD pattern
    ['-1m', false],
    ['1d', false],
    ['10us', false],
    ['.5s', false],
    ['1.s', false],
    ['5', false],
    ['99999999999h', false], // matches the pattern but overflows time.Duration
  ])('Flux duration %p → %p', (value, ok) => {
    expect(isFluxDuration(value)).toBe(ok);
  });
});

describe('git branch names', () => {
  // git check-ref-format --branch: refs.c check_branch_ref (leading "-", HEAD) and
  // check_refname_format/check_refname_component (refname_disposition table, "..", "@{", ".lock", ...).
  test.each<[string, boolean]>([
    ['main', true],
    ['release/1.2', true],
    ['feature/JIRA-12_x', true],
    ['v1.0', true],
    ['a@b', true], // "@" is fine unless followed by "{"
    ['ünïcode', true], // bytes >= 0x80 are allowed
    ['foo.lockx', true],
    ['', false],
    ['refs/heads/main', false], // ballast: give the short name
    ['-main', false],
    ['HEAD', false],
    ['@', false],
    ['a..b', false],
    ['a b', false],
    ['a~1', false],
    ['a^', false],
    ['a:b', false],
    ['a?', false],
    ['a*', false],
    ['a[b', false],
    ['a\\b', false],
    ['a\tb', false],
    ['a\x7fb', false],
    ['main/', false],
    ['main.', false],
    ['/main', false],
    ['a//b', false],
    ['.hidden', false],
    ['a/.b', false],
    ['main.lock', false],
    ['a.lock/b', false],
    ['a@{1}', false],
  ])('branch %p → %p', (value, ok) => {
    expect(isGitBranchName(value)).toBe(ok);
  });

  test.each<[string, RegExp]>([
    ['refs/heads/main', /full ref name, not a branch name/],
    ['a b', /contains a space/],
    ['a..b', /contains "\.\."/],
    ['main.lock', /ending with "\.lock"/],
    ['', /empty/],
  ])('gitRefProblem(%p) says %p', (value, message) => {
    expect(gitRefProblem(value)).toMatch(message);
  });
});

describe('names and numbers', () => {
  // hashicorp/hcl hclsyntax ValidIdentifier: (ID_Start | '_') (ID_Continue | '-')*, ASCII only here.
  test.each<[string, boolean]>([
    ['app', true],
    ['app_db', true],
    ['app-db', true],
    ['_private', true],
    ['A1', true],
    ['x', true],
    ['1app', false],
    ['-app', false],
    ['', false],
    ['app.db', false],
    ['app db', false],
    ['café', false], // valid HCL, refused here: ASCII only
  ])('Terraform identifier %p → %p', (value, ok) => {
    expect(isTerraformIdentifier(value)).toBe(ok);
  });

  // helm/helm pkg/chartutil/validate_name.go ValidateReleaseName: 53 characters and the regexp.
  test.each<[string, boolean]>([
    ['traefik', true],
    ['my-release', true],
    ['a.b', true],
    ['1abc', true],
    ['a'.repeat(53), true],
    ['a'.repeat(54), false],
    ['', false],
    ['MyRelease', false],
    ['-abc', false],
    ['abc-', false],
    ['a_b', false],
    ['a..b', false],
    ['.a', false],
  ])('Helm release name %p → %p', (value, ok) => {
    expect(isHelmReleaseName(value)).toBe(ok);
  });

  // k8s.io/apimachinery validation.IsRelaxedEnvVarName (Kubernetes 1.34, RelaxedEnvironmentVariableValidation GA).
  test.each<[string, boolean]>([
    ['DATABASE_URL', true],
    ['my.env-name', true],
    ['1START_WITH_DIGIT', true], // refused by the old rule, accepted since the relaxed one
    ['a:b', true],
    ['..', true],
    ['with space', true], // Go's unicode.IsPrint counts the ASCII space
    ['~!@#$%^&*()', true],
    ['', false],
    ['A=B', false],
    ['=', false],
    ['tab\there', false],
    ['new\nline', false],
    ['café', false], // not ASCII
    ['\x7f', false],
  ])('env var name %p → %p', (value, ok) => {
    expect(isEnvVarName(value)).toBe(ok);
  });

  test.each<[number, boolean]>([
    [1, true],
    [80, true],
    [443, true],
    [65535, true],
    [0, false],
    [65536, false],
    [-1, false],
    [80.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('port %p → %p', (value, ok) => {
    expect(isPort(value)).toBe(ok);
  });

  test.each<[number, boolean, boolean]>([
    // value, non-negative integer, positive integer
    [0, true, false],
    [1, true, true],
    [42, true, true],
    [Number.MAX_SAFE_INTEGER, true, true],
    [Number.MAX_SAFE_INTEGER + 1, false, false],
    [-1, false, false],
    [1.5, false, false],
    [-0.5, false, false],
    [Number.NaN, false, false],
    [Number.POSITIVE_INFINITY, false, false],
  ])('integer %p → non-negative %p, positive %p', (value, nonNegative, positive) => {
    expect(isNonNegativeInteger(value)).toBe(nonNegative);
    expect(isPositiveInteger(value)).toBe(positive);
  });
});

describe('paths, URLs, namespaces and secret keys', () => {
  test.each<[string, boolean]>([
    ['clusters/prod', true],
    ['./apps', true],
    ['./clusters/prod/apps', true],
    ['x', true],
    ['.hidden/file', true],
    ['..foo', true], // a name, not the parent
    ['../outside', false],
    ['a/../../b', false],
    ['a/../b', false],
    ['/abs', false],
    ['', false],
    ['.', false],
    ['./', false],
    ['a//b', false],
    ['a/./b', false],
    ['a/', false],
    ['a\\b', false],
    ['a\0b', false],
    ['././a', false],
  ])('relative path %p → %p', (value, ok) => {
    expect(isSafeRelativePath(value)).toBe(ok);
  });

  test.each<[string, RegExp | undefined]>([
    ['https://github.com/acme/platform.git', undefined],
    ['ssh://git@github.com/acme/platform.git', undefined], // the SSH account name is not a secret
    ['https://charts.example.com/?page=2', undefined],
    ['oci://ghcr.io/acme/charts', undefined],
    ['git@github.com:acme/platform.git', undefined], // not a URL: reported elsewhere
    ['not a url', undefined],
    ['https://user:token@github.com/acme/platform.git', /password/],
    ['ssh://git:hunter2@github.com/acme/platform.git', /password/],
    ['oci://robot:pw@registry.example.com/charts', /password/],
    ['https://ghp_abc123@github.com/acme/platform.git', /before "@"/],
    ['http://user@example.com/x', /before "@"/],
    ['https://gitlab.example.com/x.git?private_token=abc', /"private_token"/],
    ['https://example.com/x?access_token=abc', /"access_token"/],
    ['https://example.com/x?token=abc', /"token"/],
    ['https://example.com/x?password=abc', /"password"/],
    ['https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abc', /"X-Amz-Signature"/],
    ['https://acct.blob.core.windows.net/c/x?sv=2020&sig=abc', /"sig"/],
  ])('urlCredentialsProblem(%p) → %p', (url, message) => {
    const problem = urlCredentialsProblem(url);
    if (message === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(message);
  });

  test('the reserved namespaces are Kubernetes\' and Flux\'s', () => {
    expect(RESERVED_NAMESPACES).toEqual(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system']);
  });

  test.each<[string, boolean]>([
    ['default', true],
    ['kube-system', true],
    ['kube-public', true],
    ['kube-node-lease', true],
    ['flux-system', true],
    ['kube-anything', true], // the reserved prefix
    ['apps', false],
    ['monitoring', false],
    ['kubernetes', false], // no "-": not the prefix
    ['flux-apps', false],
    ['my-kube-system', false],
  ])('reserved namespace %p → %p', (value, ok) => {
    expect(isReservedNamespace(value)).toBe(ok);
    // Flux's namespace is reserved but not built in: whatever installs Flux creates it.
    expect(isBuiltInNamespace(value)).toBe(ok && value !== 'flux-system');
  });

  test.each<[string, boolean]>([
    ['password', true],
    ['adminPassword', true],
    ['auth.postgresPassword', true],
    ['POSTGRES_PASSWORD', true],
    ['passwd', true],
    ['pass', true],
    ['dbPass', true],
    ['secret', true],
    ['clientSecret', true],
    ['client_secret', true],
    ['token', true],
    ['apiToken', true],
    ['credentials', true],
    ['apiKey', true],
    ['api_key', true],
    ['api-key', true],
    ['APIKey', true],
    ['privateKey', true],
    ['private_key', true],
    ['accessKey', true],
    ['secretKey', true],
    ['secretAccessKey', true],
    ['users[0].password', true],
    ['secretName', false],
    ['existingSecret', false],
    ['existingSecretPasswordKey', false],
    ['secretKeyRef', false],
    ['secretRef', false],
    ['passwordKey', false],
    ['userPasswordKey', false],
    ['auth.secretKeys', false],
    ['imagePullSecrets', false],
    ['createSecret', false],
    ['bypass', false],
    ['passthrough', false],
    ['tokenTTL', false],
    ['passwordFile', false],
    ['accessKeyId', false],
    ['key', false],
    ['username', false],
  ])('looksLikePasswordKey(%p) → %p', (key, flagged) => {
    expect(looksLikePasswordKey(key)).toBe(flagged);
  });
});

test('every describe sentence is one sentence without a trailing period', () => {
  const sentences = [
    describeGoDuration,
    describeFluxDuration,
    describeGitBranch,
    describeTerraformIdentifier,
    describeHelmReleaseName,
    describeEnvVarName,
    describePort,
    describeNonNegativeInteger,
    describePositiveInteger,
    describeSafeRelativePath,
    describeUrlWithoutCredentials,
    describeOwnNamespace,
    describeSecretValueKey,
  ];
  for (const s of sentences) {
    expect(s).toMatch(/^[A-Z]/);
    expect(s).not.toMatch(/\.$/);
    expect(s).not.toMatch(/\.\s+[A-Z]/);
  }
});
