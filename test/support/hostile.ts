import { ApiObject } from 'cdk8s';
import * as crypto from 'crypto';
import { Construct } from 'constructs';
import { CatalogChart, Component, ComponentOptions, HelmValues, planPlatform, Platform, PlatformConfig, SecretValue, UnexpectedError, ValidationError } from '../../lib/internal';
import { testPlatform } from './platforms';
import { readTree, synthToTemp, TEST_AGE } from './synth';

/**
 * The canary secret of the hostile-input table: every case that hands ballast a secret hands it this
 * value (a SecretValue from the environment, or the plain text a user should not have written), and no
 * form of it may reach the output or an error message. It holds `+`, `/` and `=`, so that its
 * URL-encoded form differs from the plain one.
 */
export const CANARY = `Canary+${crypto.randomBytes(12).toString('hex')}/Secret=`;
export const CANARY_ENV = 'BALLAST_HOSTILE_CANARY';

/** A SecretValue whose value is the canary. */
export const canary = (): SecretValue => SecretValue.fromEnv(CANARY_ENV);

/**
 * Every form in which `secret` could show up in text: as it is, URL-encoded, hex (both cases), and base64
 * at each of the three alignments it can have inside a longer base64 text (the inner part that does not
 * depend on the bytes around it), standard and URL-safe.
 */
export function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = [secret, encodeURIComponent(secret), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k, 0x41), bytes]).toString('base64');
    // Characters 0..ceil(4k/3) mix the prefix in; the last 4 may mix in padding.
    const inner = b64.slice(Math.ceil((4 * k) / 3) + 1, b64.length - 4);
    forms.push(inner, inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)];
}

/** The files and forms where the canary shows up in `tree` (file -> content). */
export function canarySightings(tree: Record<string, string>, secret = CANARY): string[] {
  const forms = encodedForms(secret);
  return Object.entries(tree).flatMap(([file, content]) => forms.filter((f) => content.includes(f)).map((f) => `${file} holds "${f}"`));
}

/** A component a test fills with objects and a chart as it likes. */
export class Bare extends Component {
  constructor(scope: Construct, id: string, options: ComponentOptions & { tier?: 'infrastructure' | 'apps' } = {}) {
    super(scope, id, { namespace: options.namespace ?? id.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, ''), ...options });
  }

  /** A raw object, as a user would add one with cdk8s. */
  public object(id: string, body: Record<string, unknown>): this {
    new ApiObject(this, id, body as never);
    return this;
  }

  /** A chart with values and options, as a component author would install one. */
  public chart(chart: CatalogChart, values: HelmValues = {}, options: { releaseName?: string; extraValues?: HelmValues; userSensitiveValues?: Record<string, SecretValue> } = {}): this {
    this.addChart(chart, values, options);
    return this;
  }

  /** A bootstrap Secret (its data typed loosely, as a JavaScript caller can pass anything). */
  public secret(name: string, data: Record<string, unknown>, plainData?: Record<string, string>): this {
    this.addBootstrapSecret(name, data as Record<string, SecretValue>, { plainData });
    return this;
  }
}

/** What a case expects: a refusal whose message contains (or matches) this, or an accepted synth that passes `check`. */
export type Expectation = { readonly refused: string | RegExp } | { readonly accepted: (tree: Record<string, string>) => void };

/**
 * The classes of the table. The first seven go through constructs and props; the others through the
 * surfaces around them: escape hatches, credentials inside URLs and solver configs, the CLI, the files a
 * checkout keeps, values the consumer (a CRD, Prometheus) refuses, and many mistakes reported at once.
 */
export const HOSTILE_CLASSES = [
  'secret in plaintext',
  'secrets confused',
  'names',
  'git',
  'values',
  'valid input',
  'crash',
  'escape hatch',
  'credentials',
  'cli',
  'files',
  'consumer values',
  'all at once',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

/** One hostile or borderline input. */
export interface HostileCase {
  readonly name: string;
  /** The class of the issue it belongs to. */
  readonly cls: HostileClass;
  /** Platform settings over the test platform's (which has SOPS for the run's key). */
  readonly config?: Partial<PlatformConfig>;
  /** Adds the components. */
  readonly build?: (platform: Platform) => void;
  readonly expect: Expectation;
  /**
   * Runs the case another way than building a platform (the CLI in a child process, a damaged file
   * beside the output): its outcome is judged as the others' are.
   */
  readonly run?: () => Outcome;
  /** The platform the case builds on. @default the test platform with `config` */
  readonly platform?: () => Platform;
}

/** What happened to a case: the error message (refused), or the synthesized tree (accepted). */
export type Outcome = { kind: 'refused'; message: string } | { kind: 'accepted'; tree: Record<string, string> } | { kind: 'crash'; error: string };

/**
 * Builds, plans and (when the plan passes) synthesizes the case into a temporary folder. A
 * ValidationError is a refusal; an UnexpectedError is a crash that at least names its construct; any
 * other error is a crash as the user would have seen it (a stack trace).
 */
export function runCase(c: HostileCase): Outcome {
  if (c.run) return c.run();
  let platform: Platform;
  try {
    platform = c.platform ? c.platform() : testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient] }, ...c.config });
    c.build?.(platform);
    planPlatform(platform);
  } catch (err) {
    if (err instanceof ValidationError) return { kind: 'refused', message: err.message };
    if (err instanceof UnexpectedError) return { kind: 'crash', error: err.message };
    return { kind: 'crash', error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) };
  }
  return { kind: 'accepted', tree: readTree(synthToTemp(platform)) };
}
