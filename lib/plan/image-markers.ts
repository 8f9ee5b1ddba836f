import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import type { Manifest } from '../model/manifest';

/**
 * Every Flux image-policy marker names an ImagePolicy that the repository really holds (namespace and
 * name), and sits on an object that Flux applies from Git: a marker Flux cannot resolve is silently left
 * alone, and the image is never updated.
 */
export function checkImageMarkers(components: readonly Component[], fluxObjects: readonly Manifest[], problems: ConfigProblem[]): void {
  const policies = new Set(
    fluxObjects.filter((o) => o.kind === 'ImagePolicy' && o.apiVersion.startsWith('image.toolkit.fluxcd.io/')).map((o) => `${o.metadata.namespace}:${o.metadata.name}`),
  );
  for (const c of components) {
    for (const comment of c.objectComments) {
      const m = /"\$imagepolicy":\s*"([^"]+)"/.exec(comment.comment);
      if (!m) continue;
      const where = `the image marker on ${comment.kind} "${comment.name}"`;
      if (c.deployWith !== 'flux') {
        problems.push({ path: constructPath(c), problem: `${where} is in a component Terraform deploys, where Flux never sees it`, fix: 'Deploy the component with Flux' });
      } else if (!policies.has(m[1].split(':').length === 2 ? m[1] : `${c.namespace}:${m[1]}`)) {
        problems.push({
          path: constructPath(c),
          problem: `${where} names ImagePolicy "${m[1]}", which no component creates`,
          fix: `Create that ImagePolicy (WebService imageAutomation does), or name one of: ${[...policies].join(', ') || 'none exists'}`,
        });
      }
    }
  }
}
