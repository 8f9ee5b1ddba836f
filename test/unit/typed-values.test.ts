// Typed values: cdk8s Durations and Sizes and cdk8s-plus Cpus rendered as the text their consumers read,
// and the problems the types cannot rule out. Each rendering row is a value and the exact text; the
// problem rows say what a value gets reported as (the hostile-input table checks the same through props).
import { App, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { durationProblem, goDuration, prometheusDuration, requireDuration, wholeSeconds } from '../../lib/core/durations';
import { isFluxDuration, isGoDuration } from '../../lib/core/duration-grammar';
import { reportedProblems } from '../../lib/core/errors';
import { binaryQuantity, cpuCores, cpuProblem, quantityValue, sizeBytes, sizeProblem } from '../../lib/core/quantities';
import { ContainerResources, renderResources, requireResources } from '../../lib/core/resource-checks';

/** The problems reported on a fresh construct by `report`, as `<problem>. <fix>.` lines. */
function reported(report: (scope: Construct) => void): string[] {
  const scope = new Construct(new App(), 'x');
  report(scope);
  return reportedProblems([scope]).map((p) => `${p.problem}. ${p.fix}.`);
}

describe('durations', () => {
  // Mutation: compose() without the zero-part skip renders "1h0m0s"; without the hours step, "90m".
  test.each<[string, string, Duration]>([
    ['10m', '10m', Duration.minutes(10)],
    ['1h30m', '1h30m', Duration.minutes(90)],
    ['30s', '30s', Duration.seconds(30)],
    ['10m', '10m', Duration.seconds(600)], // the shortest exact form, not "600s"
    ['1m30s', '1m30s', Duration.seconds(90)],
    ['1s500ms', '1s500ms', Duration.millis(1500)],
    ['30m', '30m', Duration.hours(0.5)],
    ['1h6m', '1h6m', Duration.hours(1.1)], // 3960000.0000000005 ms from the float product, exact once rounded
    ['24h', '1d', Duration.days(1)], // Go has no days
    ['360h', '15d', Duration.days(15)], // Prometheus: "15d", not "2w1d"
    ['36h', '1d12h', Duration.hours(36)],
    ['0s', '0s', Duration.seconds(0)],
  ])('Go/Flux %p, Prometheus %p', (go, prometheus, duration) => {
    expect(goDuration(duration)).toBe(go);
    expect(prometheusDuration(duration)).toBe(prometheus);
    // What ballast writes for Flux is what the Flux CRD pattern and time.ParseDuration accept.
    expect(isGoDuration(go)).toBe(true);
    if (go !== '0s') expect(isFluxDuration(go)).toBe(true);
  });

  test('whole seconds for Terraform', () => {
    expect(wholeSeconds(Duration.minutes(10))).toBe(600);
    expect(wholeSeconds(Duration.minutes(90))).toBe(5400);
  });

  test.each<[string, unknown, { positive?: boolean; step?: 'ms' | 's' } | undefined, string | undefined]>([
    ['10 minutes', Duration.minutes(10), undefined, undefined],
    ['zero', Duration.seconds(0), undefined, 'is zero'],
    ['zero, allowed', Duration.seconds(0), { positive: false }, undefined],
    ['NaN', Duration.seconds(Number.NaN), undefined, 'is NaN ms, not a finite length of time'],
    ['Infinity', Duration.hours(Number.POSITIVE_INFINITY), undefined, 'is Infinity ms, not a finite length of time'],
    ['half a millisecond', Duration.millis(0.5), undefined, 'is 0.5 ms, not a whole number of milliseconds'],
    ['1.5 s where whole seconds count', Duration.millis(1500), { step: 's' }, 'is 1500 ms, not a whole number of seconds'],
    // Mutation: durationProblem without the int64 bound lets Go overflow (time.ParseDuration refuses it).
    ['300 years', Duration.days(300 * 365), undefined, 'is 109500 days, longer than a Go or Prometheus duration holds (about 292 years)'],
    ['a string', '5m', undefined, 'is the string "5m", not a Duration'],
    ['a number of seconds', 30, undefined, 'is the number 30, not a Duration'],
    ['null', null, undefined, 'is null, not a Duration'],
    ['a negative look-alike', { toMilliseconds: () => -1 }, undefined, 'is -1 ms, which is negative'],
  ])('%s', (_, value, rule, problem) => {
    expect(durationProblem(value, rule)).toBe(problem);
  });

  test('requireDuration reports every problem with a fix, and says true for a good one', () => {
    const lines = reported((scope) => {
      expect(requireDuration(scope, 'interval', Duration.seconds(0))).toBe(false);
      expect(requireDuration(scope, 'timeout', Duration.millis(1500), { step: 's' })).toBe(false);
      expect(requireDuration(scope, 'retention', Duration.days(15))).toBe(true);
    });
    expect(lines).toEqual([
      'interval is zero. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(10) or Duration.seconds(30).',
      'timeout is 1500 ms, not a whole number of seconds. Use a cdk8s Duration of whole seconds, e.g. Duration.minutes(10) or Duration.seconds(90).',
    ]);
  });

  test('an unchecked value renders as itself, never as a wrong duration, and never throws', () => {
    expect(goDuration('5m' as unknown as Duration)).toBe('5m');
    expect(goDuration(Duration.millis(0.5))).toBe('0.5');
    expect(prometheusDuration({ toMilliseconds: () => { throw new Error('no'); } } as unknown as Duration)).toBe('NaN');
  });
});

describe('sizes', () => {
  // Mutation: binaryQuantity without the divisibility test (the largest unit below the size) gives "1Gi" for 1.5 GiB.
  test.each<[Size, string]>([
    [Size.gibibytes(20), '20Gi'],
    [Size.mebibytes(512), '512Mi'],
    [Size.mebibytes(2048), '2Gi'], // made in MiB, whole GiB
    [Size.gibibytes(1.5), '1536Mi'],
    [Size.kibibytes(0.5), '512'], // bytes alone
    [Size.tebibytes(1), '1Ti'],
    [Size.pebibyte(2048), '2Ei'],
    [Size.gibibytes(0), '0'],
  ])('%s → %p', (size, text) => {
    expect(binaryQuantity(size)).toBe(text);
  });

  test.each<[string, unknown, string | undefined]>([
    ['20 GiB', Size.gibibytes(20), undefined],
    ['0', Size.gibibytes(0), 'is 0 bytes'],
    ['NaN', Size.mebibytes(Number.NaN), 'is NaN bytes, not a finite size'],
    ['0.1 MiB', Size.mebibytes(0.1), 'is 104857.6 bytes, not a whole number of bytes'],
    ['a string', '2Gi', 'is the string "2Gi", not a Size'],
    ['a throwing look-alike', { toKibibytes: () => { throw new Error('no'); } }, 'is NaN bytes, not a finite size'],
  ])('%s', (_, value, problem) => {
    expect(sizeProblem(value)).toBe(problem);
  });

  test('bytes of a Size', () => {
    expect(sizeBytes(Size.gibibytes(1.5))).toBe(1610612736);
    expect(sizeBytes(undefined)).toBe(0);
  });
});

describe('CPU', () => {
  // The quantity grammar of k8s.io/apimachinery resource.ParseQuantity (quantity.go, suffix.go) read on
  // the text a Cpu holds; negatives are refused (core/validation ValidateResourceQuantityValue), and so is
  // anything finer than a millicore. `positive: false`: a zero request is a quantity Kubernetes takes.
  test.each<[string, boolean]>([
    ['100m', true],
    ['0.5', true],
    ['2', true],
    ['1500m', true],
    ['1k', true],
    ['0', true],
    ['-0', true], // the sign of zero is dropped: value.Sign() is 0
    ['+1', true], // <signedNumber> allows "+"
    ['.5', true], // <number> ::= .<digits>
    ['1.', true], // <number> ::= <digits>.
    ['1e3', true], // <decimalExponent>
    ['1E-3', true], // one millicore
    ['1e+3', true],
    ['1E', true], // "E" alone is the decimal SI exa suffix
    ['1Ki', true], // binary SI is grammatical for CPU too
    ['007', true], // leading zeros are stripped
    ['250u', false], // a quarter of a millicore
    ['5n', false],
    ['0.0005', false],
    ['1e-7', false], // Cpu.units(1e-7)
    ['1e-999999999', false], // decided without computing 10^999999999
    ['-1', false], // negative
    ['-100m', false],
    ['half', false],
    ['', false],
    ['.', false], // no digit (ParseQuantity's scanner reads it as 0; the grammar does not allow it)
    ['+', false],
    ['1e', false], // "e" needs an exponent
    ['1ee3', false],
    ['1e3.5', false], // the exponent is an integer
    ['1e99999999999999999999', false], // exponent beyond int64
    ['1K', false], // kilo is lowercase "k"
    ['1ki', false], // no case folding: "ki" is not "Ki"
    ['100 m', false],
    [' 1', false],
    ['1mm', false],
    ['0x10', false],
    ['NaN', false], // Cpu.units(NaN)
    ['Infinity', false],
  ])('a Cpu holding %p → %p', (amount, ok) => {
    expect(cpuProblem({ amount }, { positive: false }) === undefined).toBe(ok);
  });

  test.each<[string, unknown, string | undefined]>([
    ['500 millicores', Cpu.millis(500), undefined],
    ['zero', Cpu.units(0), 'is "0", which is no CPU at all'],
    ['half a millicore', Cpu.millis(0.5), 'is "0.5m", finer than the millicore Kubernetes counts CPU in'],
    ['0.1 + 0.2', Cpu.units(0.1 + 0.2), 'is "0.30000000000000004", finer than the millicore Kubernetes counts CPU in'],
    ['negative', Cpu.millis(-5), 'is "-5m", which is negative'],
    ['a string', '500m', 'is the string "500m", not a Cpu'],
  ])('%s', (_, value, problem) => {
    expect(cpuProblem(value)).toBe(problem);
  });

  test('cores of a Cpu and of a quantity', () => {
    expect(cpuCores(Cpu.millis(1500))).toBe(1.5);
    expect(cpuCores(Cpu.units(2))).toBe(2);
    expect(cpuCores(undefined)).toBe(0);
    expect(quantityValue('1Ki')).toBe(1024);
    expect(quantityValue('half')).toBeUndefined();
  });
});

describe('container resources', () => {
  test('rendered as Kubernetes spells them: requests, then limits, only what is given', () => {
    const resources: ContainerResources = {
      cpu: { request: Cpu.millis(500) },
      memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
      ephemeralStorage: { limit: Size.gibibytes(4) },
    };
    expect(JSON.stringify(renderResources(resources))).toBe(JSON.stringify({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi', 'ephemeral-storage': '4Gi' } }));
    expect(renderResources({})).toEqual({});
  });

  test('every problem at once: bad amounts, a request above its limit, and keys of the Kubernetes shape', () => {
    const lines = reported((scope) =>
      requireResources(scope, {
        cpu: { request: Cpu.units(2), limit: Cpu.millis(1500) },
        memory: { request: Size.mebibytes(Number.NaN), limit: Size.gibibytes(0) },
        requests: { cpu: '1' },
      } as unknown as ContainerResources),
    );
    expect(lines).toEqual([
      'resources.requests is not a setting. Use cpu, memory and ephemeralStorage, each { request, limit } (the cdk8s-plus shape).',
      'resources.cpu.request (2) is above resources.cpu.limit (1500m). Request at most the limit.',
      'resources.memory.request is NaN bytes, not a finite size. Use a cdk8s Size of whole bytes, e.g. Size.gibibytes(20) or Size.mebibytes(512), or leave it out for none.',
      'resources.memory.limit is 0 bytes. Use a cdk8s Size of whole bytes, e.g. Size.gibibytes(20) or Size.mebibytes(512), or leave it out for none.',
    ]);
  });

  test('a request equal to its limit is fine', () => {
    expect(reported((scope) => requireResources(scope, { memory: { request: Size.mebibytes(1024), limit: Size.gibibytes(1) } }))).toEqual([]);
  });
});
