// A WebService's Flux image automation: the ImageRepository and ImagePolicy of its image, and the marker
// on the Deployment's image line that Flux's ImageUpdateAutomation rewrites.
import { ApiObject, Duration } from 'cdk8s';
import { checkDuration, goDurationOfMillis } from '../../core/durations';
import { reportProblem } from '../../core/errors';
import type { Component } from '../../core/component';
import type { Flux } from '../gitops/flux';

/** Flux image automation of a WebService: Flux follows new tags of its image within a semver range. */
export interface WebServiceImageAutomation {
  /** The Flux bootstrap; its image controllers are turned on. */
  readonly flux: Flux;
  /** Tags to follow, e.g. `^1.0.0` or `>=1.0.0 <2.0.0`. */
  readonly semverRange: string;
  /** How often the registry is scanned. @default Duration.minutes(5) */
  readonly interval?: Duration;
}


/** The image's ImageRepository and ImagePolicy, and the marker Flux's image automation rewrites. */
export function automateImage(service: Component & { readonly name: string }, image: string, automation: WebServiceImageAutomation, pullSecret?: string): void {
  if (service.deployWith !== 'flux') {
    reportProblem(service, 'image automation needs the Deployment in Git, but the service is deployed by Terraform', 'Deploy it with Flux, or drop imageAutomation');
  }
  const interval = checkDuration(service, 'imageAutomation.interval', automation.interval ?? Duration.minutes(5), { min: 1, wholeSeconds: false }, 'Duration.minutes(5)');
  // The namespace holds this service's ImagePolicy: an ImageUpdateAutomation of the Flux needs an object there.
  automation.flux.enableImageAutomation(service.namespace);
  const repository = image.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[^/:]+$/, '');
  new ApiObject(service, 'image-repository', {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImageRepository',
    metadata: { name: service.name },
    spec: { image: repository, interval: goDurationOfMillis(interval ?? 300_000), ...(pullSecret ? { secretRef: { name: pullSecret } } : {}) },
  });
  new ApiObject(service, 'image-policy', {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImagePolicy',
    metadata: { name: service.name },
    spec: { imageRepositoryRef: { name: service.name }, policy: { semver: { range: automation.semverRange } } },
  });
  service.addObjectComment({
    kind: 'Deployment',
    name: service.name,
    path: ['spec', 'template', 'spec', 'containers', 0, 'image'],
    comment: imagePolicyMarker(service.namespace, service.name),
  });
}

/** The setter marker of Flux image automation: `{"$imagepolicy": "<namespace>:<policy>"}`. */
export function imagePolicyMarker(namespace: string, policy: string): string {
  return `{"$imagepolicy": "${namespace}:${policy}"}`;
}
